package dataplan

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Mobile Data Plan":       "mobile_data_plan",
		"  Web & App: 2025! ":    "web_app_2025",
		"Ünïcode—plan":           "n_code_plan",
		strings.Repeat("a", 200): strings.Repeat("a", MaxIDLen),
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func messages(err error) []string {
	var e *Error
	if errors.As(err, &e) {
		return e.Messages
	}
	return nil
}

func TestParseDocumentSchemas(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      []string
	}{
		{"fine", `{"data_points":[{"match":{"type":"user_attributes","criteria":{}},"validator":{"definition":{"properties":{"not":{"type":["string","null"]},"a":{"items":[{"type":"number"}]}}}}}]}`, nil},
		{"bad type", `{"data_points":[{"match":{"type":"unknown","criteria":{}},"validator":{"definition":{"type":"text"}}}]}`,
			[]string{"Field 'version_document.data_points[0].validator.definition.type' must be one of string, number, integer, boolean, object, array, null, or an array of them."}},
		{"bad pattern and required", `{"data_points":[{"match":{"type":"unknown","criteria":{}},"validator":{"definition":{"pattern":"(","required":[1]}}}]}`,
			[]string{"Field 'version_document.data_points[0].validator.definition.pattern' is not a valid regular expression.",
				"Field 'version_document.data_points[0].validator.definition.required' must be an array of strings."}},
		{"nested unsupported", `{"data_points":[{"match":{"type":"unknown","criteria":{}},"validator":{"definition":{"properties":{"x":{"anyOf":[]}}}}}]}`,
			[]string{"Field 'version_document.data_points[0].validator.definition.properties.x.anyOf': the keyword anyOf is not supported in data plans."}},
		{"commerce criteria", `{"data_points":[{"match":{"type":"product_action","criteria":{"action":"buy"}},"validator":{"definition":{}}}]}`,
			[]string{"Field 'version_document.data_points[0].match.criteria.action' must be one of: add_to_cart, remove_from_cart, checkout, checkout_option, click, view_detail, purchase, refund, add_to_wishlist, remove_from_wish_list."}},
		{"screen criteria", `{"data_points":[{"match":{"type":"screen_view","criteria":{}},"validator":{"definition":{}}}]}`,
			[]string{"Field 'version_document.data_points[0].match.criteria.screen_name' is required for a screen_view match."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseDocument([]byte(tc.doc))
			if got := messages(err); !slices.Equal(got, tc.want) {
				t.Errorf("messages %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLeniency(t *testing.T) {
	for _, tc := range []struct {
		typ  string
		v    any
		want bool
	}{
		{"boolean", "true", true}, {"boolean", "False", true}, {"boolean", "1", false}, {"boolean", "yes", false},
		{"number", "4.5", true}, {"number", "x", false}, {"integer", "4", true}, {"integer", "4.5", false},
		{"string", 4.0, false}, {"null", nil, true},
	} {
		if got := matchesType(tc.typ, tc.v); got != tc.want {
			t.Errorf("matchesType(%s, %#v) = %v", tc.typ, tc.v, got)
		}
	}
}

func TestDeleteRefusalOrder(t *testing.T) {
	feed := int64(1)
	only := &Version{Version: 1, ActivatedEnvironment: "production", QuarantineFeedID: &feed}
	if got := DeleteRefusal(&Plan{Versions: []*Version{only}}, only); got != MsgLastVersion {
		t.Errorf("only version: %q", got)
	}
	other := &Version{Version: 2}
	p := &Plan{Versions: []*Version{only, other}}
	if got := DeleteRefusal(p, only); got != MsgActiveInProd {
		t.Errorf("production and quarantined: %q", got)
	}
	only.ActivatedEnvironment = "development"
	if got := DeleteRefusal(p, only); got != MsgQuarantine {
		t.Errorf("quarantined: %q", got)
	}
	if got := DeleteRefusal(p, other); got != "" {
		t.Errorf("a draft: %q", got)
	}
}
