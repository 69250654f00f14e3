/** The eight places the seed's discovery crawls for companies' websites. */
export const DISCOVERY_SOURCES = [
  "firmy_cz",
  "zivefirmy_cz",
  "google_maps",
  "seznam_search",
  "ares_register",
  "linkedin",
  "facebook",
  "web_crawl",
] as const;
export type DiscoverySource = (typeof DISCOVERY_SOURCES)[number];

/** Most results one discovery message may ask for. */
export const MAX_DISCOVERY_LIMIT = 100;
