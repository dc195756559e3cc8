package api

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestDecodeBodyShapes(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		shape    Shape
		items    []string
		dataType string
		errors   []ErrorItem
		scalar   string
	}{
		{name: "empty", body: "", shape: ShapeEmpty},
		{name: "whitespace", body: " \n\t ", shape: ShapeEmpty},
		{name: "standard envelope, errors null",
			body:  `{"data":[{"id":1,"name":"My Account","data_type":"account"}],"dataType":"account","errors":null}`,
			shape: ShapeEnvelope, items: []string{`{"id":1,"name":"My Account","data_type":"account"}`}, dataType: "account"},
		{name: "feed data_type envelope",
			body:  `{"data":[{"id":229,"module_name":"MailChimp","data_type":"Partner Feed"}],"data_type":"Partner Feed","errors":null}`,
			shape: ShapeEnvelope, items: []string{`{"id":229,"module_name":"MailChimp","data_type":"Partner Feed"}`}, dataType: "Partner Feed"},
		{name: "errors absent", body: `{"data":[{"a":1}],"dataType":"x"}`, shape: ShapeEnvelope, items: []string{`{"a":1}`}, dataType: "x"},
		{name: "errors empty array", body: `{"data":[],"dataType":"x","errors":[]}`, shape: ShapeEnvelope, dataType: "x"},
		{name: "data null", body: `{"data":null,"errors":null}`, shape: ShapeEnvelope},
		{name: "data single object", body: `{"data":{"id":7}}`, shape: ShapeEnvelope, items: []string{`{"id":7}`}},
		{name: "error envelope",
			body:  `{"data":[],"dataType":"application","errors":[{"code":"VALIDATION_ERROR","message":"App name already exists."}]}`,
			shape: ShapeEnvelope, dataType: "application",
			errors: []ErrorItem{{Code: "VALIDATION_ERROR", Message: "App name already exists."}}},
		{name: "v2 error body, errors only",
			body:  `{"errors":[{"code":"VALIDATION_ERROR","message":"Field 'name' is required."}]}`,
			shape: ShapeEnvelope, errors: []ErrorItem{{Code: "VALIDATION_ERROR", Message: "Field 'name' is required."}}},
		{name: "errors as strings", body: `{"errors":["boom", ""]}`, shape: ShapeEnvelope, errors: []ErrorItem{{Message: "boom"}}},
		{name: "errors as one object", body: `{"errors":{"message":"one"}}`, shape: ShapeEnvelope, errors: []ErrorItem{{Message: "one"}}},
		{name: "errors of unknown shape ignored", body: `{"data":[],"errors":42}`, shape: ShapeEnvelope},
		{name: "error message with escape sequence cleaned",
			body: `{"errors":[{"code":"X","message":"a\u001b[31mb\nc"}]}`, shape: ShapeEnvelope,
			errors: []ErrorItem{{Code: "X", Message: "a[31mb c"}}},
		{name: "bare array (audiences)", body: `[{"id":7622,"name":"Abandoned Cart"},{"id":7623}]`,
			shape: ShapeBareArray, items: []string{`{"id":7622,"name":"Abandoned Cart"}`, `{"id":7623}`}},
		{name: "bare array with null element", body: `[null,{"id":1}]`, shape: ShapeBareArray, items: []string{`{"id":1}`}},
		{name: "empty bare array", body: `[]`, shape: ShapeBareArray},
		{name: "bare object (v2 CA)", body: `{"id":5,"name":"ca1","data_type":"x"}`,
			shape: ShapeBareObject, items: []string{`{"id":5,"name":"ca1","data_type":"x"}`}},
		{name: "bare integer (v2 create)", body: "5678\n", shape: ShapeBareScalar, scalar: "5678"},
		{name: "bare string", body: `"ok"`, shape: ShapeBareScalar, scalar: `"ok"`},
		{name: "bare null", body: `null`, shape: ShapeBareScalar, scalar: `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := DecodeBody([]byte(tt.body))
			if err != nil {
				t.Fatalf("DecodeBody: %v", err)
			}
			if p.Shape != tt.shape {
				t.Errorf("shape = %v, want %v", p.Shape, tt.shape)
			}
			var got []string
			for _, it := range p.Items {
				got = append(got, string(it))
			}
			if !slices.Equal(got, tt.items) {
				t.Errorf("items = %q, want %q", got, tt.items)
			}
			if p.DataType != tt.dataType {
				t.Errorf("data type = %q, want %q", p.DataType, tt.dataType)
			}
			if !slices.Equal(p.Errors, tt.errors) {
				t.Errorf("errors = %+v, want %+v", p.Errors, tt.errors)
			}
			if string(p.Scalar) != tt.scalar {
				t.Errorf("scalar = %q, want %q", p.Scalar, tt.scalar)
			}
		})
	}
}

func TestDecodeBodyRefusesBadJSON(t *testing.T) {
	for _, body := range []string{
		`{"data":[`, `<html><body>502 Bad Gateway</body></html>`, `{"data":[1,}`, `garbage`, "\x00\x01",
		`{"data":"a string"}`, `{"data":12}`,
	} {
		if p, err := DecodeBody([]byte(body)); err == nil {
			t.Errorf("DecodeBody(%q) = %+v, want an error", body, p)
		}
	}
}

// TestDecodeBodyRoundTripsUnknownFields: entities are the server's bytes,
// so fields the console does not know survive an edit unchanged.
func TestDecodeBodyRoundTripsUnknownFields(t *testing.T) {
	entity := `{"id":1,"name":"x","future_field":{"nested":[1,2.50,"three"]},"big":12345678901234567890}`
	p, err := DecodeBody([]byte(`{"data":[` + entity + `],"dataType":"application","errors":null}`))
	if err != nil {
		t.Fatal(err)
	}
	if string(p.Items[0]) != entity {
		t.Fatalf("entity changed:\n got %s\nwant %s", p.Items[0], entity)
	}
}

// FuzzDecodeBody: the decoder never panics, accepts exactly the valid JSON
// documents, and every entity it returns is itself valid JSON.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{
		``, `[]`, `{}`, `null`, `5678`, `"x"`,
		`{"data":[{"id":1}],"dataType":"account","errors":null}`,
		`{"data":[{"id":229}],"data_type":"Partner Feed","errors":null}`,
		`{"data":{"id":1}}`, `{"errors":[{"code":"VALIDATION_ERROR","message":"m"}]}`,
		`{"errors":["a",{"error":"invalid_client","error_description":"bad"}]}`,
		`[{"id":7622,"workspaces":[{"id":1}]},null]`,
		`{"id":5,"active_definition":null}`,
		`<html><title>502</title></html>`, `{"data":[`, "\xff\xfe",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := DecodeBody(body)
		if err != nil {
			if json.Valid(body) {
				// Valid JSON is refused only for an envelope whose data is
				// neither an array, an object nor null.
				var m map[string]json.RawMessage
				if json.Unmarshal(body, &m) != nil || m["data"] == nil {
					t.Fatalf("valid JSON refused: %q: %v", body, err)
				}
			}
			return
		}
		for _, it := range p.Items {
			if !json.Valid(it) {
				t.Fatalf("item is not valid JSON: %q", it)
			}
		}
		if p.Shape == ShapeBareScalar && !json.Valid(p.Scalar) {
			t.Fatalf("scalar is not valid JSON: %q", p.Scalar)
		}
		for _, e := range p.Errors {
			if e.Code == "" && e.Message == "" {
				t.Fatalf("empty error item from %q", body)
			}
		}
	})
}
