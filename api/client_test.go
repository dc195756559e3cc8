package api

import (
	"strings"
	"testing"
)

func TestRequestURL(t *testing.T) {
	c, err := New(Config{ClientID: "id", ClientSecret: "secret", AccountID: 7, NoCache: true,
		V1BaseURL: "http://127.0.0.1:9/v1/", V2BaseURL: "http://127.0.0.1:9/platform/v2"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sc, _ := Lookup("filters")
	filters, err := expand(sc.Name, sc.Paths.List[0], Ref{"app": "1", "service": "Google Analytics/4"}, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		req  Request
		want string
	}{
		{Request{Path: "/apps"}, "/v1/apps?accountId=7"},
		{Request{Path: filters}, "/v1/apps/1/Google%20Analytics%2F4/datapoints?accountId=7"},
		{Request{Path: "/accounts?accountId=2"}, "/v1/accounts?accountId=2"}, // the template's own accountId wins
		{Request{Version: V2, Path: "/workspaces/5/calculatedattributes", Query: map[string][]string{"name": {"a b"}}},
			"/platform/v2/workspaces/5/calculatedattributes?name=a+b"}, // v2: no accountId
		{Request{Path: "/users/test40mparticle2Ecom"}, "/v1/users/test40mparticle2Ecom?accountId=7"},
	}
	for _, tt := range tests {
		u, err := c.url(tt.req)
		if err != nil {
			t.Fatal(err)
		}
		if got := u.RequestURI(); got != tt.want {
			t.Errorf("%+v: %s, want %s", tt.req, got, tt.want)
		}
		if !strings.HasPrefix(u.String(), "http://127.0.0.1:9/") {
			t.Errorf("host lost: %s", u)
		}
	}
	if got := c.WithAccount(2).AccountID(); got != 2 {
		t.Errorf("WithAccount: %d", got)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	ok := Config{ClientID: "id", ClientSecret: "s3cret-value", AccountID: 1, NoCache: true}
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"no client id", func(c *Config) { c.ClientID = "" }, "client id is empty"},
		{"no secret", func(c *Config) { c.ClientSecret = "" }, "client secret is empty"},
		{"no account", func(c *Config) { c.AccountID = 0 }, "positive accountId"},
		{"bad v1 URL", func(c *Config) { c.V1BaseURL = "api.mparticle.com/v1" }, "v1 base URL"},
		{"bad v2 URL", func(c *Config) { c.V2BaseURL = "ftp://x" }, "v2 base URL"},
		{"credentials in URL", func(c *Config) { c.TokenURL = "https://u:p@sso/oauth/token" }, "must not carry credentials"},
	}
	for _, tt := range tests {
		cfg := ok
		tt.edit(&cfg)
		c, err := New(cfg)
		if err == nil {
			c.Close()
			t.Errorf("%s: accepted", tt.name)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "s3cret-value") {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	c, err := New(ok)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.V1BaseURL() != DefaultV1BaseURL || c.V2BaseURL() != DefaultV2BaseURL {
		t.Errorf("defaults: %s %s", c.V1BaseURL(), c.V2BaseURL())
	}
}
