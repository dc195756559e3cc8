package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// DataPoints: what an app sends, by natural key.

func (s *Server) listDataPoints(rq *request, _ *tx) response {
	a, fail := s.appOf(rq)
	if fail != nil {
		return *fail
	}
	dps := s.st.dps.list(a.ID)
	out := make([]dataPointView, 0, len(dps))
	for _, d := range dps {
		out = append(out, d.view())
	}
	return okEnv(http.StatusOK, "datapoint", out)
}

// dpInput is one decoded DataPoint (or filter) of a request body, in
// canonical form.
type dpInput struct {
	typ      string // canonical; for filters also EventType, UserIdentity, All_*
	dpType   string // the DataPoint type it addresses ("" for switches); UserIdentity → Identity
	name     string
	attr     *string
	evType   *string
	enabled  bool
	isSwitch bool
}

// readDataPoint decodes and checks one DataPoint input (docs/inconsistencies.md: event_type)
// or, with filter set, one filter. It returns a refusal message.
func readDataPoint(f fields, filter bool) (dpInput, string, error) {
	var in dpInput
	name, err := f.str("name")
	if err != nil {
		return in, "", err
	}
	typ, err := f.str("type")
	if err != nil {
		return in, "", err
	}
	attr, err := f.str("attribute_name")
	if err != nil {
		return in, "", err
	}
	ev, err := f.str("event_type")
	if err != nil {
		return in, "", err
	}
	types := dataPointTypes
	if filter {
		types = append(append(slices.Clone(dataPointTypes), "UserIdentity"), filterSwitchTypes...)
	}
	if typ == nil {
		return in, "DataPoint type is required; use one of " + strings.Join(types, ", ") + ".", nil
	}
	t, known := canonical(types, *typ)
	if !known && !filter && strings.EqualFold(strings.TrimSpace(*typ), "UserIdentity") {
		t, known = "Identity", true // the filters' name for the same thing (docs/inconsistencies.md: Identity vs UserIdentity)
	}
	if !known && filter && strings.EqualFold(strings.TrimSpace(*typ), "Identity") {
		t, known = "UserIdentity", true
	}
	if !known {
		return in, fmt.Sprintf("Invalid DataPoint type %s; use one of %s.", quoteParam(*typ), strings.Join(types, ", ")), nil
	}
	in.typ, in.dpType = t, t
	if t == "UserIdentity" {
		in.dpType = "Identity"
	}
	if slices.Contains(filterSwitchTypes, t) {
		in.dpType, in.isSwitch = "", true
	}
	if name != nil {
		in.name = strings.TrimSpace(*name)
	}
	switch {
	case t == "EventType":
		c, ok := canonical(eventTypes, in.name)
		if !ok {
			return in, fmt.Sprintf("The name of an EventType filter must be an event type: %s.", strings.Join(eventTypes, ", ")), nil
		}
		in.name = c
	case strings.HasPrefix(t, "All_"):
		if in.name == "" {
			in.name = t
		}
	case t == "Identity" || t == "UserIdentity":
		c, ok := canonical(identityNames, in.name)
		if !ok {
			return in, fmt.Sprintf("The name of an identity DataPoint must be one of %s.", strings.Join(identityNames, ", ")), nil
		}
		in.name = c
	case in.name == "":
		return in, "DataPoint name is required.", nil
	}
	if isChildType(t) {
		if attr == nil || strings.TrimSpace(*attr) == "" {
			return in, fmt.Sprintf("attribute_name is required for %s DataPoints (name is the parent's name).", t), nil
		}
		in.attr = pointerTo(strings.TrimSpace(*attr))
	}
	switch t {
	case "Event", "EventAttribute":
		if ev == nil || strings.TrimSpace(*ev) == "" {
			return in, "event_type is required for Event and EventAttribute DataPoints.", nil
		}
		c, ok := canonical(eventTypes, *ev)
		if !ok {
			return in, fmt.Sprintf("Invalid event_type %s for %s; use one of %s.", quoteParam(*ev), t, strings.Join(eventTypes, ", ")), nil
		}
		in.evType = &c
	case "Commerce", "CommerceAttribute":
		if ev != nil && strings.TrimSpace(*ev) != "" {
			c, ok := canonical(commerceTypes, *ev)
			if !ok {
				return in, fmt.Sprintf("Invalid event_type %s for %s; use one of %s.", quoteParam(*ev), t, strings.Join(commerceTypes, ", ")), nil
			}
			in.evType = &c
		}
	}
	if filter {
		en, err := f.boolean("enabled")
		if err != nil {
			return in, "", err
		}
		if en == nil {
			return in, "enabled is required (true or false).", nil
		}
		in.enabled = *en
	}
	return in, "", nil
}

func (in dpInput) key() string {
	return dpKey(in.dpType, in.name, strOrEmpty(in.attr), strOrEmpty(in.evType))
}

// ensureDataPoint returns the app's DataPoint for the input, creating it
// when it does not exist yet.
func (s *Server) ensureDataPoint(appID int64, in dpInput, now string, t *tx) *dataPoint {
	if d := s.st.dataPoint(appID, in.key()); d != nil {
		return d
	}
	d := &dataPoint{Seq: s.st.meta.nextID("dp"), AppID: appID, Name: in.name, AttributeName: in.attr, Type: in.dpType, EventType: in.evType, CreatedOn: now}
	s.st.dps.put(d)
	t.put(d)
	t.put(s.st.meta)
	return d
}

// addDataPoints is PUT /apps/{appId}/datapoints: an array, or a
// single object as the reference's curl sends (docs/inconsistencies.md: add DataPoints). Existing
// DataPoints are left as they are. The answer lists the DataPoints of the
// body.
func (s *Server) addDataPoints(rq *request, t *tx) response {
	a, fail := s.appOf(rq)
	if fail != nil {
		return *fail
	}
	items, _, err := bodyList(rq.body)
	if err != nil {
		return rq.bodyFail(err)
	}
	ins := make([]dpInput, 0, len(items))
	for i, it := range items {
		in, msg, err := readDataPoint(it, false)
		if err != nil {
			return rq.bodyFail(fmt.Errorf("item %d: %w", i, err))
		}
		if msg != "" {
			return rq.invalid(prefixItem(len(items), i, msg))
		}
		ins = append(ins, in)
	}
	now := stamp(rq.now)
	out := make([]dataPointView, 0, len(ins))
	for _, in := range ins {
		out = append(out, s.ensureDataPoint(a.ID, in, now, t).view())
	}
	return okEnv(http.StatusAccepted, "datapoint", out)
}

// prefixItem names the item of a list body that was refused.
func prefixItem(n, i int, msg string) string {
	if n == 1 {
		return msg
	}
	return fmt.Sprintf("Item %d: %s", i, msg)
}
