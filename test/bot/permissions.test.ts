import { describe, expect, it } from 'vitest';
import {
  accessRefusal, canRun, chatAllowed, chatRefusal, describeAccess, describeChat, type Access,
} from '../../src/bot/permissions.ts';
import { asker } from './fixtures.ts';

const anon = asker();
const masses = asker({ status: '群众' });
const party = asker({ status: '正式党员' });
const probationary = asker({ status: '预备党员' });
const secretary = asker({ roles: ['书记'] });
const accountant = asker({ roles: ['会计'], status: '预备党员' });
const admin = asker({ admin: true });

const cases: [string, Access, [boolean, boolean, boolean, boolean, boolean, boolean, boolean]][] = [
  //                                              anon   masses party  prob   sec    acct   admin
  ['anyone', 'anyone', /*                        */ [true, true, true, true, true, true, true]],
  ['member', 'member', /*                        */ [false, true, true, true, true, true, true]],
  ['admin', 'admin', /*                          */ [false, false, false, false, false, false, true]],
  ['书记、会计', { roles: ['书记', '会计'] }, /*  */ [false, false, false, false, true, true, true]],
  ['组织委员', { roles: ['组织委员'] }, /*       */ [false, false, false, false, false, false, true]],
  ['党员', { statuses: ['预备党员', '正式党员'] }, [false, false, true, true, true, true, true]],
  ['nobody', { roles: [] }, /*                   */ [false, false, false, false, false, false, true]],
];

describe('canRun matrix', () => {
  it.each(cases)('%s', (_name, access, expected) => {
    const actual = [anon, masses, party, probationary, secretary, accountant, admin].map((a) => canRun(access, a));
    expect(actual).toEqual(expected);
  });
});

describe('describing access and chat', () => {
  it.each<[Access, string]>([
    ['anyone', '所有人可用'],
    ['member', '仅已绑定成员信息的用户可用'],
    ['admin', '仅管理员可用'],
    [{ roles: ['书记', '会计'] }, '仅书记、会计可用'],
    [{ statuses: ['预备党员', '正式党员'] }, '仅预备党员、正式党员可用'],
    [{ roles: [] }, '仅管理员可用'],
  ])('%j → %s', (access, text) => {
    expect(describeAccess(access)).toBe(text);
  });

  it('refusal hints at binding when the asker is not bound', () => {
    expect(accessRefusal('member', anon)).toBe('该命令仅已绑定成员信息的用户可用。您的账号尚未绑定成员信息，请联系支部书记或管理员。');
    expect(accessRefusal({ roles: ['书记'] }, party)).toBe('该命令仅书记可用。');
  });

  it('chat scope', () => {
    expect(chatAllowed('any', 'group')).toBe(true);
    expect(chatAllowed('private', 'group')).toBe(false);
    expect(chatAllowed('private', 'private')).toBe(true);
    expect(chatAllowed('group', 'private')).toBe(false);
    expect(chatRefusal('private')).toBe('该命令请在与机器人的私聊中使用');
    expect(chatRefusal('group')).toBe('该命令请在群聊中 @机器人 使用');
    expect(describeChat('private')).toBe('仅限私聊');
    expect(describeChat('any')).toBe('');
  });
});
