package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// DataPoint filters: per app and service, what is forwarded.

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

// setServiceFiltering changes the default for new DataPoints.
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

// putFilters is PUT /apps/{appId}/{serviceName}/datapoints. An
// object body with sendNewDataPointsByDefault and no type is the
// service-level update the reference's curl sends here (docs/inconsistencies.md: update service filtering).
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
