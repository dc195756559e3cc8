package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Example is the commented file `mpconsole config init` writes. Every
// setting in it is commented out, so the file defines no profile and the
// console still starts on the embedded sandbox until a profile is
// uncommented.
const Example = `# mpconsole profiles. Each profile is one API credential and the account it opens on.
# Switch between them in the console with A, or :use NAME.
#
# Everything below is commented out: while no profile is defined, mpconsole starts the
# embedded sandbox (profiles "sandbox" and "sandbox-viewer", names a profile here may not take).
# Uncomment a profile and fill it in, then run: mpconsole config check

# default_profile = "production"

# Production: the secret comes from a password manager, never from this file.
# [profiles.production]
# client_id             = "your-client-id"
# client_secret_command = "pass show mparticle/production"
# account_id            = 1234
# org_id                = 77        # the organization: custom roles and tasks name it
# read_only             = true
# color                 = "#d70000"
# refresh               = "30s"   # audiences, calculated attributes, …: every 30 s ("off": never)

# Staging: the secret comes from an environment variable.
# [profiles.staging]
# client_id         = "your-client-id"
# client_secret_env = "MPARTICLE_STAGING_SECRET"
# account_id        = 5678
# base_url          = "https://api.mparticle.com/v1"       # the default
# token_url         = "https://sso.auth.mparticle.com/oauth/token"  # the default
# audience          = "https://api.mparticle.com"          # the default

# A standalone sandbox, started in another terminal with:
#   mpconsole sandbox --addr 127.0.0.1:8080
# [profiles.local]
# client_id     = "sandbox"
# client_secret = "sandbox-secret"      # a literal secret: keep this file chmod 600
# account_id    = 1
# org_id        = 1                     # the sandbox's one organization
# base_url      = "http://127.0.0.1:8080/v1"
# v2_base_url   = "http://127.0.0.1:8080/platform/v2"
# token_url     = "http://127.0.0.1:8080/oauth/token"
# color         = "#5f87ff"

# Rebind keys: action = key or [keys]. 'mpconsole config check' lists problems.
# [keys]
# "global.quit" = ["q", "ctrl+q"]
# "table.filter" = "/"
`

// Init writes Example to path (0600, directory 0700) unless a file exists.
func Init(path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s already exists; not overwriting it", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("config init: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("config init: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("config init: %w", err)
	}
	if _, err := f.WriteString(Example); err != nil {
		f.Close()
		return fmt.Errorf("config init: %w", err)
	}
	return f.Close()
}
