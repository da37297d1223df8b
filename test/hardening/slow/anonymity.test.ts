/** The anonymity and secrets scan with every job of the schedule table run at several instants. */
import { anonymitySuite } from '../support/anonymity.ts';

anonymitySuite(true);
