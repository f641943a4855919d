export { createTopicFollower } from './follower.js';
export type { FollowerListener, TopicFollower, TopicFollowerDeps } from './follower.js';
