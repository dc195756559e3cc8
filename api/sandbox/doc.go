// Package sandbox is a local, faithful implementation of the mParticle
// Platform API as its public reference describes it: the OAuth token endpoint,
// every v1 resource group and the Calculated Attributes v2 API, on one
// listener, with seeded data, fault injection and optional persistence.
// `mpconsole sandbox` serves it; tests start it on 127.0.0.1:0 with Start
// (or serve New(...).Handler() through httptest) and talk real HTTP to it.
//
// # Design
//
// A request goes through one pipeline (server.go): CORS headers on every
// answer; OPTIONS preflights answered at once; the token endpoint; then,
// for /v1 and /platform/v2, the latency, the fault dice, the bearer token
// (401), the path's UTF-8, the route table (router.go: 404, 405 with
// Allow), the query string, parsed strictly (limits.go: 400), accountId
// (401 when missing, 400 when repeated or malformed; v1 only), the body's
// announced and real size (413), the account's existence and reach (404),
// read-only credentials (403), the body's UTF-8 and string lengths, and
// finally the operation. Operations are plain functions of (server, request,
// transaction) returning a status and an encoded body, listed in one route
// table; literal path segments win over parameters, so /apps/{id}/platforms
// is never taken for a service named "platforms".
//
// The handlers live in one file per resource group, named as the reference
// groups them: accounts.go, apps.go, platforms.go, serviceconfigs.go,
// services.go (the catalogue), audiences.go, workspaces.go (with User
// Insights), feeds.go (feeds, output configurations, subscriptions),
// users.go, datapoints.go, filters.go and calculatedattributes.go. The
// Data Planning API (dataplans.go, with package dataplan for its bodies and
// the batch validator) and the Custom Access Roles API (roles.go) share the
// listener, tokens and credentials, and answer in their own shapes.
//
// The whole model lives in memory (state.go), guarded by one RWMutex:
// reads share it, writes hold it from validation until the change is
// durable. A write validates everything first, then changes the model and
// notes each changed entity in a tx; the tx is committed to the store in
// one atomic step before the answer is written. If the commit fails, the
// model is reloaded from the store, so memory never runs ahead of disk.
//
// Each stored kind has one index (index.go): by id, by the id of what it
// belongs to, and by names unique there; the index also names the kind's
// store keys, decodes its records when the model loads and lists them when
// a seed is written. Adding a kind is declaring its index in newState.
//
// The store (store.go) is a flat key space of JSON records behind a
// three-method interface: memStore without --data (its base records, the
// seed, are rebuilt only if a reload needs them, so a large seed starts
// fast), and a bbolt file with --data (fsync per commit; a kill -9 loses at
// most the write whose answer was not sent, and never tears the file).
// The file is created 0600 and locked: a second sandbox on it is refused.
//
// The seed (seed.go) comes from assets/seed.json and passes through the same
// checks as API writes (service settings against the catalogue, DataPoint
// and filter rules). "large:N" generates N of every list kind in code.
//
// Calculated Attributes are one book per workspace, served by package
// calcattr: calculatedattributes.go finds the workspace's account, applies
// scope and read-only rules, hands the request to calcattr.Serve, and
// persists the book when it changed. calcattr imports nothing of this
// package; the body checks both share are in internal/jsonbody.
//
// # Departures and choices
//
// Beyond the design: tokens are stored (in memory and in the data file) only
// as SHA-256 hashes, so they survive a restart with --data like real SSO
// tokens do, and the file never holds a usable token; a credential's new
// secret revokes its tokens (credentials.go: the file keeps a salted
// PBKDF2 hash per client id to notice a change across restarts); --latency delays the
// token endpoint too (it is slow in reality); 504 and reset faults carry the
// request out before losing the answer (a gateway timing out on a backend
// that did the work), while 500/502/503/429/html/garbage stop it before the
// backend. Every decision on the reference's inconsistencies is listed in
// docs/inconsistencies.md; the sandbox's own error messages,
// where the reference documents none, are listed in docs/sandbox.md.
package sandbox
