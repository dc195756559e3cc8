package api

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestEditSpecs(t *testing.T) {
	c := DefaultCatalog()
	for _, d := range c.Kinds() {
		if d.Ops.Has(OpUpdate) && len(d.Edit.Updatable) == 0 {
			t.Errorf("%s can be updated but has no Updatable fields", d.Name)
		}
		if d.Ops.Has(OpCreate) && d.Edit.Template == "" {
			t.Errorf("%s can be created but has no template", d.Name)
		}
		if d.Edit.Template != "" && !json.Valid([]byte(d.Edit.Template)) {
			t.Errorf("%s: template is not JSON", d.Name)
		}
	}
}

func TestUpdateBodyAndProtected(t *testing.T) {
	apps, _ := Lookup("apps")
	raw := []byte(`{"id":1,"name":"New","platforms":[{"os":"iOS"}],"data_type":"application","created_on":"x"}`)
	body, err := apps.UpdateBody(raw)
	if err != nil || string(body) != `{"name":"New"}` {
		t.Fatalf("app body %s %v", body, err)
	}
	prot := apps.Protected(raw)
	slices.Sort(prot)
	if strings.Join(prot, ",") != "created_on,data_type,id,platforms" {
		t.Fatalf("protected %v", prot)
	}
	sc, _ := Lookup("serviceconfigs")
	body, err = sc.UpdateBody([]byte(`{"account":"Default Account","name":"GA","isActive":true,"isVisible":true,
		"settings":[{"name":"apiKey","value":"****Key","isConfidential":true}],"data_type":"service"}`))
	if err != nil || strings.Contains(string(body), "isConfidential") || strings.Contains(string(body), "data_type") ||
		strings.Contains(string(body), `****Key`) {
		t.Fatalf("service config body %s %v", body, err)
	}
	// A confidential setting the user typed a new value into is sent; a
	// non-confidential value that happens to start with '*' is sent.
	body, _ = sc.UpdateBody([]byte(`{"name":"GA","settings":[{"name":"apiKey","value":"new-key","isConfidential":true},
		{"name":"pattern","value":"***","isConfidential":false},{"name":"other","value":"*******1234","isConfidential":true}]}`))
	if !strings.Contains(string(body), `"new-key"`) || !strings.Contains(string(body), `"***"`) || strings.Contains(string(body), "1234") {
		t.Fatalf("masked settings: %s", body)
	}
	if _, err := apps.UpdateBody([]byte(`[1]`)); err == nil {
		t.Fatal("array accepted as an app update")
	}
}

func TestWithFieldsKeepsOrderAndProtectedFields(t *testing.T) {
	apps, _ := Lookup("apps")
	cur := []byte(`{"id":3,"name":"Now","platforms":[],"last_modified_on":"new"}`)
	prev := []byte(`{"id":3,"name":"Before","platforms":[{"os":"iOS"}],"last_modified_on":"old"}`)
	got, err := apps.WithFields(cur, prev)
	if err != nil || string(got) != `{"id":3,"name":"Before","platforms":[],"last_modified_on":"new"}` {
		t.Fatalf("%s %v", got, err)
	}
	if _, err := apps.WithFields([]byte(`[]`), prev); err == nil {
		t.Fatal("array accepted")
	}
}
