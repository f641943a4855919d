import type { PriorityBand } from '@tributary/schemas';
import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';
import { assignPriorityBands } from './assignment.js';

/**
 * A kafkajs group assigner that gives every member partitions of every priority band (see
 * `assignPriorityBands`). Every member of a group must list it, since the group leader's assigner
 * decides for everyone.
 */
export function PriorityBandAssigner(bandsOf: (topic: string) => readonly PriorityBand[] | undefined): PartitionAssigner {
  return ({ cluster }) => ({
    name: 'TributaryPriorityBandAssigner',
    version: 1,
    assign({ members, topics }) {
      const layout = topics.map((topic) => ({
        topic,
        partitions: cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId),
        bands: bandsOf(topic),
      }));
      const assignments = assignPriorityBands(
        members.map((m) => m.memberId),
        layout,
      );
      return Promise.resolve(
        Object.entries(assignments).map(([memberId, assignment]) => ({
          memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment, userData: Buffer.alloc(0) }),
        })),
      );
    },
    protocol({ topics }) {
      return {
        name: 'TributaryPriorityBandAssigner',
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
      };
    },
  });
}
