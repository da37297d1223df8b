import { describe, expect, it } from 'vitest';
import type { BranchScore, MonthScore } from '../../src/summary/month.ts';
import { adminCards, BRANCHES_PER_PAGE } from '../../src/summary/scorecard-card.ts';

const score = (held: number, paid: number, covered: number): MonthScore => ({
  meetings: { due: 4, held, missing: [] },
  dues: { due: 10, paid, pending: 0, dueFen: 10_000, paidFen: paid * 1_000 },
  coverage: { party: 10, covered },
});

const branch = (id: number, name: string, parentOrg: string | null, now: MonthScore): BranchScore =>
  ({ branch: { id, name, parentOrg }, month: now, previous: score(1, 5, 2) });

describe('the parent organisation’s scorecard: branches side by side, never ranked', () => {
  // The best results are given to the branches set up last, so a ranking would reverse this order.
  const all = [
    branch(3, '财务党支部', '机关党委', score(4, 10, 10)),
    branch(1, '第一党支部', '机关党委', score(1, 2, 1)),
    branch(4, '一车间党支部', '生产党委', score(4, 9, 8)),
    branch(2, '第二党支部', null, score(2, 6, 3)),
  ];

  it('groups by parent organisation, then lists in the order the branches were set up, with last month beside', () => {
    const [card, ...more] = adminCards(all, '2026-11', '某公司');
    expect(more).toEqual([]);
    expect(card!.title).toBe('2026年11月各支部工作简报');
    const lines = card!.text!.split('\n');
    expect(lines[0]).toBe('某公司共 4 个支部，合计：组织生活 11/16 次（69%）；党费 27/40 人（68%）；谈话覆盖 22/40 人（55%）');
    expect(lines[1]).toBe('按支部设立顺序排列，不作排名；括号内为上月。');
    expect(lines.slice(3)).toEqual([
      '【机关党委】',
      '**第一党支部**：组织生活 1/4 25%（上月 25%）｜党费 20%（上月 50%）｜谈话覆盖 10%（上月 20%）',
      '**财务党支部**：组织生活 4/4 100%（上月 25%）｜党费 100%（上月 50%）｜谈话覆盖 100%（上月 20%）',
      '【生产党委】',
      '**一车间党支部**：组织生活 4/4 100%（上月 25%）｜党费 90%（上月 50%）｜谈话覆盖 80%（上月 20%）',
      '【未设上级党组织】',
      '**第二党支部**：组织生活 2/4 50%（上月 25%）｜党费 60%（上月 50%）｜谈话覆盖 30%（上月 20%）',
    ]);
  });

  it('pages a large organisation, the totals on the first page only', () => {
    const many = Array.from({ length: BRANCHES_PER_PAGE + 1 }, (_, i) => branch(i + 1, `第${i + 1}党支部`, null, score(2, 5, 5)));
    const cards = adminCards(many, '2026-11', '某公司');
    expect(cards.map((c) => c.title)).toEqual(['2026年11月各支部工作简报（第 1/2 页）', '2026年11月各支部工作简报（第 2/2 页）']);
    expect(cards[1]!.text).toBe(`**第${BRANCHES_PER_PAGE + 1}党支部**：组织生活 2/4 50%（上月 25%）｜党费 50%（上月 50%）｜谈话覆盖 50%（上月 20%）`);
  });
});
