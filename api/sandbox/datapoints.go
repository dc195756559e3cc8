package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// DataPoints (§10) and DataPoint filters (§11).

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

// readDataPoint decodes and checks one DataPoint input (§10.2, §16 item 56)
// or, with filter set, one filter (§11.4). It returns a refusal message.
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
		t, known = "Identity", true // the filters' name for the same thing (§16 item 57)
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

// addDataPoints is PUT /apps/{appId}/datapoints (§10.2): an array, or a
// single object as the reference's curl sends (§16 item 55). Existing
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

// ---- filters ----

// filterTarget finds the app and the catalogue service of a filter path.
func (s *Server) filterTarget(rq *request) (*app, *service, *response) {
	a, fail := s.appOf(rq)
	if fail != nil {
		return nil, nil, fail
	}
	svc := s.st.service(rq.params["serviceName"])
	if svc == nil {
		f := rq.notFound("Service %s is not in the catalogue.", quoteParam(rq.params["serviceName"]))
		return nil, nil, &f
	}
	return a, svc, nil
}

// filterSetOf returns the app's filtering for the service; a new one (not
// yet in the state) sends new DataPoints by default.
func (s *Server) filterSetOf(appID int64, svc *service) *filterSet {
	if f := s.st.filters[appID][strings.ToLower(svc.Name)]; f != nil {
		return f
	}
	return &filterSet{AppID: appID, Service: svc.Name, SendNew: true, Enabled: map[string]bool{}, Switches: map[string]bool{}}
}

// receives reports whether the service gets DataPoints of this type.
func (svc *service) receives(dpType string) bool {
	return len(svc.DataPointTypes) == 0 || slices.Contains(svc.DataPointTypes, dpType)
}

func (s *Server) getServiceFiltering(rq *request, _ *tx) response {
	a, svc, fail := s.filterTarget(rq)
	if fail != nil {
		return *fail
	}
	fs := s.filterSetOf(a.ID, svc)
	return okEnv(http.StatusOK, "datapoint", []serviceFilteringView{{svc.Name, fs.SendNew}})
}

func (s *Server) putServiceFiltering(rq *request, t *tx) response {
	a, svc, fail := s.filterTarget(rq)
	if fail != nil {
		return *fail
	}
	f, err := bodyObject(rq.body)
	if err != nil {
		return rq.bodyFail(err)
	}
	return s.setServiceFiltering(rq, t, a, svc, f)
}

// setServiceFiltering changes the default for new DataPoints (§11.2).
// Existing DataPoints keep what they had: those without an explicit switch
// get the old default written down first.
func (s *Server) setServiceFiltering(rq *request, t *tx, a *app, svc *service, f fields) response {
	v, err := f.boolean("sendNewDataPointsByDefault")
	if err != nil {
		return rq.bodyFail(err)
	}
	if v == nil {
		return rq.invalid("sendNewDataPointsByDefault is required (true or false).")
	}
	fs := s.filterSetOf(a.ID, svc)
	if fs.SendNew != *v {
		for _, d := range s.st.dps.list(a.ID) {
			if _, set := fs.Enabled[d.naturalKey()]; !set {
				fs.Enabled[d.naturalKey()] = fs.SendNew
			}
		}
		fs.SendNew = *v
	}
	s.st.putFilterSet(fs)
	t.put(fs)
	return okEnv(http.StatusAccepted, "datapoint", []serviceFilteringView{{svc.Name, fs.SendNew}})
}

func (s *Server) listFilters(rq *request, _ *tx) response {
	a, svc, fail := s.filterTarget(rq)
	if fail != nil {
		return *fail
	}
	fs := s.filterSetOf(a.ID, svc)
	out := []filterView{}
	for _, d := range s.st.dps.list(a.ID) {
		if !svc.receives(d.Type) {
			continue
		}
		en, set := fs.Enabled[d.naturalKey()]
		if !set {
			en = fs.SendNew
		}
		out = append(out, filterView{d.Name, d.AttributeName, d.Type, d.EventType, en, "datapoint", d.CreatedOn})
	}
	return okEnv(http.StatusOK, "datapoint", out)
}

// putFilters is PUT /apps/{appId}/{serviceName}/datapoints (§11.4). An
// object body with sendNewDataPointsByDefault and no type is the
// service-level update the reference's curl sends here (§16 item 5).
// Missing DataPoints are created; disabling cascades down (EventType →
// its Events and EventAttributes; Event → its EventAttributes). The answer
// is a bare array of the filters in canonical form.
func (s *Server) putFilters(rq *request, t *tx) response {
	a, svc, fail := s.filterTarget(rq)
	if fail != nil {
		return *fail
	}
	items, isArray, err := bodyList(rq.body)
	if err != nil {
		return rq.bodyFail(err)
	}
	if !isArray && items[0].has("sendNewDataPointsByDefault") && !items[0].has("type") {
		return s.setServiceFiltering(rq, t, a, svc, items[0])
	}
	ins := make([]dpInput, 0, len(items))
	for i, it := range items {
		in, msg, err := readDataPoint(it, true)
		if err != nil {
			return rq.bodyFail(fmt.Errorf("item %d: %w", i, err))
		}
		if msg == "" && !in.isSwitch && !svc.receives(in.dpType) {
			msg = fmt.Sprintf("Service %s does not receive %s DataPoints.", svc.Name, in.dpType)
		}
		if msg != "" {
			return rq.invalid(prefixItem(len(items), i, msg))
		}
		ins = append(ins, in)
	}
	return bare(http.StatusAccepted, s.applyFilters(a.ID, svc, ins, stamp(rq.now), t))
}

// applyFilters records checked filters (creating missing DataPoints) and
// returns them as the update's answer shows them.
func (s *Server) applyFilters(appID int64, svc *service, ins []dpInput, now string, t *tx) []filterEchoView {
	fs := s.filterSetOf(appID, svc)
	out := make([]filterEchoView, 0, len(ins))
	for _, in := range ins {
		if in.isSwitch {
			fs.Switches[in.typ+"\x1f"+in.name] = in.enabled
		} else {
			d := s.ensureDataPoint(appID, in, now, t)
			fs.Enabled[d.naturalKey()] = in.enabled
		}
		if !in.enabled {
			s.cascadeDisable(appID, fs, in)
		}
		out = append(out, filterEchoView{in.name, in.attr, in.typ, in.evType, in.enabled})
	}
	s.st.putFilterSet(fs)
	t.put(fs)
	return out
}

// cascadeDisable disables what hangs below a disabled filter.
func (s *Server) cascadeDisable(appID int64, fs *filterSet, in dpInput) {
	for _, d := range s.st.dps.list(appID) {
		switch {
		case in.typ == "EventType" && (d.Type == "Event" || d.Type == "EventAttribute") && strOrEmpty(d.EventType) == in.name:
		case in.typ == "Event" && d.Type == "EventAttribute" && d.Name == in.name && strOrEmpty(d.EventType) == strOrEmpty(in.evType):
		default:
			continue
		}
		fs.Enabled[d.naturalKey()] = false
	}
}
