// Starts GOV.UK Frontend's components. A file rather than an inline script, so pages need no CSP nonce (and can be
// kept by a CDN); the relative import keeps the versioned /assets/<hash>/ path this file was loaded from.
import { initAll } from "./govuk-frontend.min.js";
initAll();
