import type { BrokerLogger, ConsumedEvent, EventHandlers, Publisher, TopicFollower } from '@tributary/broker';
import type {
  AcknowledgeQualityIssue,
  AddQualityIssueNote,
  CommandRejected,
  QualityIssueAcknowledged,
  QualityIssueNoteAdded,
  QualityIssueResolved,
  ResolveQualityIssue,
} from '@tributary/schemas';
import { IssueEventNames, IssueRejections, MAX_ISSUE_NOTE_LENGTH } from './names.js';
import { IssueLedgerState, type IssueStanding } from './state.js';

export interface IssueCommandDeps {
  /** The follower of `<prefix>.quality.events`, not started yet: the issue state listens to it. */
  follower: Pick<TopicFollower, 'listen' | 'catchUp'>;
  publisher: Pick<Publisher, 'publish'>;
  /** `<prefix>.quality.events`. */
  eventsTopic: string;
  catchUpTimeoutMs: number;
  logger: BrokerLogger;
  clock?: () => number;
}

type IssueCommand = AcknowledgeQualityIssue | AddQualityIssueNote | ResolveQualityIssue;

/**
 * What people do with a quality issue (docs/quality.md, "Issues"): acknowledge it, add a note, resolve
 * it. Each command is judged against the issues read from `<prefix>.quality.events` up to its end, and
 * answered there with the event or a CommandRejected: an unknown issue, or acknowledging or resolving
 * one already resolved. Acknowledging twice, or resolving again what the same person resolved (a
 * redelivered command), publishes nothing.
 *
 * Events are published directly and awaited, as the redrive's Started: the next command (handled one
 * at a time) must see them. The tracker reads a resolution by a person and stops tracking the issue.
 */
export function createIssueCommandHandlers(deps: IssueCommandDeps): EventHandlers {
  const clock = deps.clock ?? Date.now;
  const logger = deps.logger.child({ component: 'issue-commands' });
  const state = new IssueLedgerState();
  deps.follower.listen([IssueEventNames.opened, IssueEventNames.acknowledged, IssueEventNames.resolved], (type, value) => state.apply(type, value));

  async function publish(event: ConsumedEvent<IssueCommand>, type: string, value: unknown, eventId: string): Promise<void> {
    await deps.publisher.publish(deps.eventsTopic, type, value, {
      key: event.value.pipelineId,
      eventId,
      correlationId: event.correlationId,
      causationId: event.eventId,
    });
    state.apply(type, value);
  }

  async function reject(event: ConsumedEvent<IssueCommand>, code: string, message: string): Promise<void> {
    const command = event.value;
    const value: CommandRejected = {
      pipelineId: command.pipelineId,
      command: event.type,
      code,
      message,
      details: JSON.stringify({ issueId: command.issueId }),
      requestedBy: command.requestedBy,
      rejectedAt: clock(),
    };
    logger.info({ pipelineId: command.pipelineId, issueId: command.issueId, command: event.type, code }, message);
    await publish(event, IssueEventNames.rejected, value, `quality-issue-rejected:${event.eventId}`);
  }

  /** The issue the command is about, after reading the events topic to its end; undefined when rejected. */
  async function issueOf(event: ConsumedEvent<IssueCommand>): Promise<IssueStanding | undefined> {
    const { pipelineId, issueId, note } = event.value;
    if (note !== null && (note.trim() === '' || note.length > MAX_ISSUE_NOTE_LENGTH)) {
      await reject(event, IssueRejections.noteInvalid, `a note must be 1-${MAX_ISSUE_NOTE_LENGTH} characters, not blank`);
      return undefined;
    }
    await deps.follower.catchUp(deps.catchUpTimeoutMs);
    const issue = state.get(pipelineId, issueId);
    if (!issue) await reject(event, IssueRejections.notFound, `pipeline ${pipelineId} has no quality issue ${issueId}`);
    return issue;
  }

  return {
    [IssueEventNames.acknowledge]: async (event: ConsumedEvent<AcknowledgeQualityIssue>) => {
      const issue = await issueOf(event);
      if (!issue) return;
      const command = event.value;
      if (issue.status === 'resolved') {
        await reject(event, IssueRejections.resolved, `quality issue ${issue.issueId} is already resolved`);
        return;
      }
      if (issue.acknowledgedBy !== undefined) {
        logger.info({ pipelineId: issue.pipelineId, issueId: issue.issueId, by: issue.acknowledgedBy }, 'issue already acknowledged; command skipped');
        return;
      }
      const value: QualityIssueAcknowledged = {
        issueId: issue.issueId,
        pipelineId: issue.pipelineId,
        acknowledgedBy: command.requestedBy,
        note: command.note,
        acknowledgedAt: clock(),
      };
      await publish(event, IssueEventNames.acknowledged, value, `quality-issue-acknowledged:${issue.issueId}`);
    },

    [IssueEventNames.addNote]: async (event: ConsumedEvent<AddQualityIssueNote>) => {
      const issue = await issueOf(event);
      if (!issue) return;
      const value: QualityIssueNoteAdded = {
        issueId: issue.issueId,
        pipelineId: issue.pipelineId,
        noteId: event.eventId,
        author: event.value.requestedBy,
        note: event.value.note,
        addedAt: clock(),
      };
      await publish(event, IssueEventNames.noteAdded, value, `quality-issue-note-added:${event.eventId}`);
    },

    [IssueEventNames.resolve]: async (event: ConsumedEvent<ResolveQualityIssue>) => {
      const issue = await issueOf(event);
      if (!issue) return;
      const command = event.value;
      if (issue.status === 'resolved') {
        if (issue.resolvedBy === command.requestedBy) return; // a repeat of the same person's resolution
        await reject(event, IssueRejections.resolved, `quality issue ${issue.issueId} is already resolved`);
        return;
      }
      const value: QualityIssueResolved = {
        issueId: issue.issueId,
        pipelineId: issue.pipelineId,
        signal: issue.signal,
        resolution: `resolved by ${command.requestedBy}`,
        resolvedBy: command.requestedBy,
        note: command.note,
        windowStart: null,
        observedValue: null,
        resolvedAt: clock(),
      };
      await publish(event, IssueEventNames.resolved, value, `quality-issue-resolved:${issue.issueId}`);
    },
  };
}
