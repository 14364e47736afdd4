// The query parameters a recorded URL keeps (besides those a shop declares): utm_* campaign
// parameters and the ad networks' click ids (Google, Meta, Microsoft, TikTok, DoubleClick,
// LinkedIn). Query strings can carry e-mail addresses, tokens and search terms, so nothing else
// is kept. One rule for both sides: the SDK strips the rest, and the collector enforces it.
export const ATTRIBUTION_PARAM = /^(utm_.*|(g|d|tt|fb)clid|msclkid|[wg]braid|li_fat_id)$/;
