// Package assets holds the files mpconsole embeds in its binary. Today that
// is the sandbox's seed dataset (seed.json): the accounts, apps, platforms,
// service configurations, service catalogue, workspaces, audiences, feeds,
// output configurations, subscriptions, users, DataPoints, filters and
// calculated attributes that `mpconsole sandbox` (and the console's
// embedded sandbox) start with. The format is described in docs/sandbox.md
// and read by package api/sandbox.
package assets

import _ "embed"

//go:embed seed.json
var seed []byte

// SandboxSeed returns a copy of the sandbox's default seed document (JSON).
func SandboxSeed() []byte { return append([]byte(nil), seed...) }
