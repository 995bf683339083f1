import type { FeedApplier } from './feed';
import { homeOfficeFeed } from './home-office';
import { laPersonFeed } from './la-person';
import { policeFeed } from './police';
import { ssda903Feed } from './ssda903';

/** The feeds harbour can ingest, by name. */
export const FEEDS: Record<string, FeedApplier<never>> = {
  ssda903: ssda903Feed as FeedApplier<never>,
  police: policeFeed as FeedApplier<never>,
  'home-office': homeOfficeFeed as FeedApplier<never>,
  'la-person': laPersonFeed as FeedApplier<never>,
};
