package dataplan

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/mpconsole/mpconsole/api/sandbox/internal/jsonbody"
)

// Event and batch enumerations of the validate request (OAS batch schema).
var (
	BatchEnvironments = []string{"unknown", "development", "production"}
	EventTypes        = []string{"session_start", "session_end", "screen_view", "custom_event", "crash_report", "opt_out",
		"first_run", "pre_attribution", "push_registration", "application_state_transition", "push_message",
		"network_performance", "breadcrumb", "profile", "push_reaction", "commerce_event", "user_attribute_change",
		"user_identity_change", "uninstall"}
	batchKeys = []string{"environment", "events", "context", "source_request_id", "api_key", "ip", "partner_identity",
		"mp_deviceid", "sdk_version", "job_id", "api_keys", "deleted_user_attributes", "user_attributes",
		"user_identities", "integration_attributes", "device_info", "application_info", "source_info",
		"attribution_info", "consent_state", "timestamp_unixtime_ms", "batch_id", "mpid"}
)

// Result is one validated event (or the batch's user attributes).
type Result struct {
	Data map[string]any `json:"data"`
}

// Validation is the validate endpoint's answer.
type Validation struct {
	Results []Result       `json:"results"`
	Batch   map[string]any `json:"batch"`
}

// refuse is a 400 whose first message is documented, details after it.
func refuse(msg string, details []string) error {
	return &Error{Messages: append([]string{msg}, details...)}
}

// Validate checks an event batch against a version document, both in the
// body ({document, batch}). Each custom, screen and commerce event gets one
// result, with an empty validation_errors when it conforms; the batch's
// user attributes get one when there are any. Other event types cannot be
// planned and get none.
func Validate(body []byte) (*Validation, error) {
	raw, err := jsonbody.Parse(body)
	if err != nil {
		return nil, fail("%s", err.Error())
	}
	o, ok := asObject(raw)
	if !ok {
		return nil, fail("Request body must be a JSON object.")
	}
	if !o.has("document") || !o.has("batch") {
		var missing []string
		for _, k := range []string{"document", "batch"} {
			if !o.has(k) {
				missing = append(missing, fmt.Sprintf("Field '%s' is required.", k))
			}
		}
		return nil, refuse(MsgMissingValue, missing)
	}
	doc, err := validateDocument(o["document"])
	if err != nil {
		return nil, err
	}
	batch, events, err := validateBatch(o["batch"])
	if err != nil {
		return nil, err
	}
	out := &Validation{Results: []Result{}, Batch: map[string]any{}}
	points := make([]point, 0, len(doc.DataPoints))
	for _, dp := range doc.DataPoints {
		pt := point{dp: dp}
		if c, err := decodeAny(dp.Match.Criteria); err == nil {
			pt.criteria, _ = c.(map[string]any)
		}
		pt.schema, _ = decodeAny(dp.Validator.Definition)
		points = append(points, pt)
	}
	for _, ev := range events {
		if r, ok := validateEvent(points, ev); ok {
			out.Results = append(out.Results, r)
		}
	}
	if ua, ok := batch["user_attributes"].(map[string]any); ok && len(ua) > 0 {
		out.Results = append(out.Results, validateUserAttributes(points, ua))
	}
	return out, nil
}

// point is a data point with its criteria and schema decoded.
type point struct {
	dp       DataPoint
	criteria map[string]any
	schema   any
}

// validateDocument checks the document: its shape (Invalid Document.), its
// size, then its data points (Invalid data plan document.).
func validateDocument(raw json.RawMessage) (*Document, error) {
	o, ok := asObject(raw)
	if !ok {
		return nil, refuse(MsgInvalidDocument, []string{"Field 'document' must be an object."})
	}
	var items []json.RawMessage
	if o.has("data_points") && json.Unmarshal(o["data_points"], &items) != nil {
		return nil, refuse(MsgInvalidDocument, []string{"Field 'document.data_points' must be an array."})
	}
	for i, it := range items {
		if _, ok := asObject(it); !ok {
			return nil, refuse(MsgInvalidDocument, []string{fmt.Sprintf("Field 'document.data_points[%d]' must be an object.", i)})
		}
	}
	if len(items) > MaxDataPoints {
		return nil, fail("%s", TooManyDataPoints(len(items)))
	}
	p := &problems{}
	doc, _ := readDocument(p, "document", raw)
	if len(p.msgs) > 0 {
		return nil, refuse(MsgInvalidPlanDoc, p.msgs)
	}
	return doc, nil
}

// event is one event of the batch.
type event struct {
	index int
	typ   string
	data  map[string]any
}

// validateBatch checks the batch against the OAS batch schema: an object
// closed to other keys, a known environment, events with a known
// event_type and an object as data.
func validateBatch(raw json.RawMessage) (map[string]any, []event, error) {
	v, err := decodeAny(raw)
	b, ok := v.(map[string]any)
	if err != nil || !ok {
		return nil, nil, refuse(MsgInvalidBatch, []string{"Field 'batch' must be an object."})
	}
	var details []string
	for _, k := range sortedKeys(b) {
		if !slices.Contains(batchKeys, k) {
			details = append(details, fmt.Sprintf("Field 'batch.%s' is not a batch field.", k))
		}
	}
	if env, has := b["environment"]; has {
		if s, ok := env.(string); !ok || !slices.Contains(BatchEnvironments, s) {
			details = append(details, fmt.Sprintf("Field 'batch.environment' must be one of: %s.", oneOf(BatchEnvironments)))
		}
	}
	for _, k := range []string{"context", "user_attributes", "user_identities", "device_info", "application_info", "source_info", "attribution_info", "consent_state", "integration_attributes"} {
		if x, has := b[k]; has && x != nil {
			if _, ok := x.(map[string]any); !ok {
				details = append(details, fmt.Sprintf("Field 'batch.%s' must be an object.", k))
			}
		}
	}
	var events []event
	if raw, has := b["events"]; has && raw != nil {
		list, ok := raw.([]any)
		if !ok {
			details = append(details, "Field 'batch.events' must be an array.")
		}
		for i, it := range list {
			path := fmt.Sprintf("batch.events[%d]", i)
			eo, ok := it.(map[string]any)
			if !ok {
				details = append(details, fmt.Sprintf("Field '%s' must be an object.", path))
				continue
			}
			typ, _ := eo["event_type"].(string)
			if !slices.Contains(EventTypes, typ) {
				details = append(details, fmt.Sprintf("Field '%s.event_type' must be one of: %s.", path, oneOf(EventTypes)))
				continue
			}
			data := map[string]any{}
			if d, has := eo["data"]; has && d != nil {
				if data, ok = d.(map[string]any); !ok {
					details = append(details, fmt.Sprintf("Field '%s.data' must be an object.", path))
					continue
				}
			}
			events = append(events, event{i, typ, data})
		}
	}
	if len(details) > 0 {
		if len(details) > MaxMessages-1 {
			details = details[:MaxMessages-1]
		}
		return nil, nil, refuse(MsgInvalidBatch, details)
	}
	return b, events, nil
}

// eventMatch is the match an event would need: its type, its criteria and
// the name it is known by. ok is false for events that cannot be planned.
func eventMatch(ev event) (typ string, criteria map[string]any, name string, ok bool) {
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	switch ev.typ {
	case "custom_event":
		name = str(ev.data, "event_name")
		return "custom_event", map[string]any{"event_name": name, "custom_event_type": str(ev.data, "custom_event_type")}, name, true
	case "screen_view":
		name = str(ev.data, "screen_name")
		return "screen_view", map[string]any{"screen_name": name}, name, true
	case "commerce_event":
		if pa, ok := ev.data["product_action"].(map[string]any); ok {
			name = str(pa, "action")
			return "product_action", map[string]any{"action": name}, name, true
		}
		if pa, ok := ev.data["promotion_action"].(map[string]any); ok {
			name = str(pa, "action")
			return "promotion_action", map[string]any{"action": name}, name, true
		}
		return "product_impression", map[string]any{}, "product_impression", true
	}
	return "", nil, "", false
}

// matches reports whether a data point's criteria select the event.
func (pt point) matches(typ string, criteria map[string]any) bool {
	if pt.dp.Match.Type != typ {
		return false
	}
	for k, v := range criteria {
		if pt.criteria[k] != v {
			return false
		}
	}
	return true
}

// validateEvent validates one event; an event no data point matches is
// one unplanned error.
func validateEvent(points []point, ev event) (Result, bool) {
	typ, criteria, name, ok := eventMatch(ev)
	if !ok {
		return Result{}, false
	}
	data := map[string]any{}
	for k, v := range ev.data {
		data[k] = v
	}
	if id, has := ev.data["event_id"]; has {
		data["validated_event_id"] = id
	}
	if id, has := ev.data["source_message_id"]; has {
		data["validated_source_message_id"] = id
	}
	i := slices.IndexFunc(points, func(pt point) bool { return pt.matches(typ, criteria) })
	if i < 0 {
		data["match"] = map[string]any{"type": typ, "criteria": criteria}
		data["validation_errors"] = []ValidationError{{Type: "unplanned", Key: name, ErrorPointer: "#",
			Actual: ptr(name), ActionExpected: "drop_event", SchemaKeyword: "none"}}
		return Result{Data: data}, true
	}
	pt := points[i]
	data["match"] = map[string]any{"type": pt.dp.Match.Type, "criteria": pt.criteria}
	e := &evaluator{}
	e.eval(pt.schema, map[string]any{"event_type": ev.typ, "data": ev.data}, "#", name)
	if e.errs == nil {
		e.errs = []ValidationError{}
	}
	data["validation_errors"] = e.errs
	return Result{Data: data}, true
}

// validateUserAttributes checks the batch's user attributes against the
// document's user_attributes data point; without one, every attribute is
// unplanned.
func validateUserAttributes(points []point, attrs map[string]any) Result {
	data := map[string]any{"match": map[string]any{"type": "user_attributes", "criteria": map[string]any{}}}
	e := &evaluator{}
	i := slices.IndexFunc(points, func(pt point) bool { return pt.dp.Match.Type == "user_attributes" })
	if i < 0 {
		for _, k := range sortedKeys(attrs) {
			e.errs = append(e.errs, ValidationError{Type: "unplanned", Key: k, ErrorPointer: "#/user_attributes/" + escapePointer(k),
				Actual: ptr(k), ActionExpected: "drop_attribute", SchemaKeyword: "none"})
		}
	} else {
		data["match"] = map[string]any{"type": "user_attributes", "criteria": points[i].criteria}
		e.eval(points[i].schema, attrs, "#/user_attributes", "user_attributes")
	}
	if e.errs == nil {
		e.errs = []ValidationError{}
	}
	data["validation_errors"] = e.errs
	return Result{Data: data}
}
