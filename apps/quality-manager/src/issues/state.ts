import type { QualityIssueAcknowledged, QualityIssueOpened, QualityIssueResolved } from '@tributary/schemas';
import { IssueEventNames } from './names.js';

/** What the issue commands need to know of an issue. */
export interface IssueStanding {
  readonly issueId: string;
  readonly pipelineId: string;
  readonly signal: string;
  status: 'open' | 'resolved';
  acknowledgedBy?: string;
  /** Principal that resolved it; null when it resolved by itself. */
  resolvedBy?: string | null;
}

/** Issues kept per pipeline; past it, the oldest resolved ones are forgotten first. */
const MAX_ISSUES_PER_PIPELINE = 1000;

/**
 * The quality issues of every pipeline, folded from `<prefix>.quality.events` in topic order (events
 * are keyed by pipeline id, so one pipeline's are in one partition, in order). Pure: the follower
 * feeds it. Every event may come twice (the tracker publishes a window's issues again after a crash,
 * a handler publishes again on redelivery): applying one twice changes nothing.
 */
export class IssueLedgerState {
  private readonly pipelines = new Map<string, Map<string, IssueStanding>>();

  apply(type: string, value: unknown): void {
    switch (type) {
      case IssueEventNames.opened: {
        const v = value as QualityIssueOpened;
        const issues = this.issuesOf(v.pipelineId);
        if (issues.has(v.issueId)) return;
        issues.set(v.issueId, { issueId: v.issueId, pipelineId: v.pipelineId, signal: v.signal, status: 'open' });
        if (issues.size > MAX_ISSUES_PER_PIPELINE) {
          const victim = [...issues.values()].find((i) => i.status === 'resolved') ?? issues.values().next().value;
          if (victim) issues.delete(victim.issueId);
        }
        return;
      }
      case IssueEventNames.acknowledged: {
        const v = value as QualityIssueAcknowledged;
        const issue = this.get(v.pipelineId, v.issueId);
        if (issue && issue.acknowledgedBy === undefined) issue.acknowledgedBy = v.acknowledgedBy;
        return;
      }
      case IssueEventNames.resolved: {
        const v = value as QualityIssueResolved;
        const issue = this.get(v.pipelineId, v.issueId);
        if (issue && issue.status === 'open') {
          issue.status = 'resolved';
          issue.resolvedBy = v.resolvedBy;
        }
        return;
      }
      default:
    }
  }

  get(pipelineId: string, issueId: string): IssueStanding | undefined {
    return this.pipelines.get(pipelineId)?.get(issueId);
  }

  private issuesOf(pipelineId: string): Map<string, IssueStanding> {
    let issues = this.pipelines.get(pipelineId);
    if (!issues) this.pipelines.set(pipelineId, (issues = new Map<string, IssueStanding>()));
    return issues;
  }
}
