package config

import (
	"strings"
	"testing"
)

func TestOrgID(t *testing.T) {
	const base = "[profiles.a]\nclient_id = \"x\"\nclient_secret_env = \"E\"\naccount_id = 1\n"
	cases := []struct {
		name, extra string
		want        int64
		err         string
	}{
		{"absent", "", 0, ""},
		{"given", "org_id = 7\n", 7, ""},
		{"negative", "org_id = -1\n", 0, `c.toml:5: profile "a": org_id: not a positive organization id`},
		{"text", "org_id = \"7\"\n", 0, "c.toml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse("c.toml", []byte(base+c.extra))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Profiles["a"].OrgID; got != c.want {
				t.Errorf("org_id %d, want %d", got, c.want)
			}
		})
	}
}
