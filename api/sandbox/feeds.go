package sandbox

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Partner feeds of a workspace, the output configurations they can
// subscribe to, and their subscriptions.

func (s *Server) listFeeds(rq *request, _ *tx) response {
	w, fail := s.workspaceOf(rq)
	if fail != nil {
		return *fail
	}
	ids := s.st.feeds.idsOf(w.ID)
	out := make([]feedSummaryView, 0, len(ids))
	for _, id := range ids {
		f := s.st.feeds.get(id)
		out = append(out, feedSummaryView{strconv.FormatInt(f.ID, 10), f.Name, "partner_feed", f.CreatedOn})
	}
	return okEnv(http.StatusOK, "partner_feed", out) // the list uses dataType
}

// feedIn finds a feed of the account, or nil.
func (s *Server) feedIn(acct, id int64) *feed {
	f := s.st.feeds.get(id)
	if f == nil || s.st.workspaceIn(acct, f.WorkspaceID) == nil {
		return nil
	}
	return f
}

func (s *Server) getFeed(rq *request, _ *tx) response {
	id, _ := rq.paramID("feedId")
	f := s.feedIn(rq.account, id)
	if f == nil {
		return rq.notFound("Feed %s does not exist in account %d.", quoteParam(rq.params["feedId"]), rq.account)
	}
	return okSnake(http.StatusOK, "Partner Feed", []feedView{f.view()})
}

// feedInput is a decoded feed body; nil fields were not given.
type feedInput struct {
	module, name, os *string
	isDebug          *bool
	settings         []setting
	hasSettings      bool
}

func readFeed(f fields) (feedInput, error) {
	var in feedInput
	var err error
	if in.module, err = f.str("module_name"); err != nil {
		return in, err
	}
	if in.name, err = f.str("name"); err != nil {
		return in, err
	}
	if in.os, err = f.str("os"); err != nil {
		return in, err
	}
	if in.isDebug, err = f.boolean("is_debug"); err != nil {
		return in, err
	}
	in.settings, in.hasSettings, err = f.settingsList("settings")
	return in, err
}

// checkFeed validates a feed body against the workspace; for an update,
// self is the feed being changed. It returns the refusal message.
func (s *Server) checkFeed(in feedInput, ws int64, self *feed) string {
	if self == nil || in.module != nil {
		if in.module == nil || strings.TrimSpace(*in.module) == "" {
			return "Feed module_name is required."
		}
	}
	if self == nil || in.name != nil {
		if in.name == nil || strings.TrimSpace(*in.name) == "" {
			return "Feed name is required."
		}
		for _, id := range s.st.feeds.idsOf(ws) {
			if o := s.st.feeds.get(id); o != self && strings.EqualFold(o.Name, strings.TrimSpace(*in.name)) {
				return "A feed with this name already exists in the workspace."
			}
		}
	}
	if in.os != nil {
		if _, known := canonical(feedOSValues, *in.os); !known {
			return "Invalid os specified."
		}
	}
	return ""
}

func (in feedInput) apply(f *feed) {
	if in.module != nil {
		f.ModuleName = strings.TrimSpace(*in.module)
	}
	if in.name != nil {
		f.Name = strings.TrimSpace(*in.name)
	}
	if in.os != nil {
		f.OS, _ = canonical(feedOSValues, *in.os)
	}
	if in.isDebug != nil {
		f.IsDebug = *in.isDebug
	}
	if in.hasSettings {
		f.Settings = in.settings
		if f.Settings == nil {
			f.Settings = []setting{}
		}
	}
}

func (s *Server) createFeed(rq *request, t *tx) response {
	w, fail := s.workspaceOf(rq)
	if fail != nil {
		return *fail
	}
	body, err := bodyObject(rq.body)
	if err != nil {
		return rq.bodyFail(err)
	}
	if body.has("service_configuration_id") && !body.has("module_name") {
		// The reference's create-subscription curl posts here (docs/inconsistencies.md: feed subscription paths).
		return rq.invalid("This body is a feed subscription: POST it to /partnerfeeds/{feedId}/subscriptions.")
	}
	in, err := readFeed(body)
	if err != nil {
		return rq.bodyFail(err)
	}
	if msg := s.checkFeed(in, w.ID, nil); msg != "" {
		return rq.invalid(msg)
	}
	f := &feed{ID: s.st.meta.nextID("feed"), WorkspaceID: w.ID, OS: "Unknown", Settings: []setting{}, CreatedOn: stamp(rq.now)}
	in.apply(f)
	s.st.feeds.put(f)
	t.put(f)
	t.put(s.st.meta)
	return okSnake(http.StatusCreated, "Partner Feed", []createdView{{"Partner Feed", f.ID, f.CreatedOn}})
}

// updateFeed is PUT /workspace/{ws}/partnerfeeds/{feedId}. The
// reference's curl leaves the id out (docs/inconsistencies.md: update feed): then the body's id, or
// else its name, picks the feed of the workspace. Absent fields keep their
// value.
func (s *Server) updateFeed(rq *request, t *tx) response {
	w, fail := s.workspaceOf(rq)
	if fail != nil {
		return *fail
	}
	body, err := bodyObject(rq.body)
	if err != nil {
		return rq.bodyFail(err)
	}
	in, err := readFeed(body)
	if err != nil {
		return rq.bodyFail(err)
	}
	var f *feed
	if seg, ok := rq.params["feedId"]; ok {
		id, _ := strconv.ParseInt(seg, 10, 64)
		if f = s.st.feeds.get(id); f == nil || f.WorkspaceID != w.ID {
			return rq.notFound("Feed %s does not exist in workspace %d.", quoteParam(seg), w.ID)
		}
	} else {
		id, err := body.integer("id")
		if err != nil {
			return rq.bodyFail(err)
		}
		for _, fid := range s.st.feeds.idsOf(w.ID) {
			c := s.st.feeds.get(fid)
			if (id != nil && c.ID == *id) || (id == nil && in.name != nil && strings.EqualFold(c.Name, strings.TrimSpace(*in.name))) {
				f = c
				break
			}
		}
		if f == nil {
			return rq.notFound("No feed of workspace %d matches the body's id or name; PUT to /workspace/%d/partnerfeeds/{feedId}.", w.ID, w.ID)
		}
	}
	if msg := s.checkFeed(in, w.ID, f); msg != "" {
		return rq.invalid(msg)
	}
	in.apply(f)
	t.put(f)
	return okSnake(http.StatusAccepted, "Partner Feed", []createdView{{"Partner Feed", f.ID, f.CreatedOn}})
}

// listOutputConfigs is GET /workspace/{ws}/{moduleName}/serviceconfigurations;
// the module matches case-insensitively (docs/inconsistencies.md:
// module-name casing).
func (s *Server) listOutputConfigs(rq *request, _ *tx) response {
	w, fail := s.workspaceOf(rq)
	if fail != nil {
		return *fail
	}
	module := rq.params["moduleName"]
	out := []serviceConfigurationView{}
	for _, id := range s.st.outcfgs.idsOf(w.ID) {
		if o := s.st.outcfgs.get(id); strings.EqualFold(o.ModuleName, module) {
			out = append(out, serviceConfigurationView{o.ID, o.Name, "Service Configuration", o.CreatedOn})
		}
	}
	return okSnake(http.StatusOK, "Service Configuration", out)
}

// listSubscriptions is GET /partnerfeeds/{id}/subscriptions. The
// segment is a feed id (docs/inconsistencies.md: feed subscription paths); when no feed of the account has that
// id, a workspace id lists the subscriptions of all its feeds, as the
// reference's placeholder says.
func (s *Server) listSubscriptions(rq *request, _ *tx) response {
	id, _ := rq.paramID("feedId")
	var feeds []int64
	if f := s.feedIn(rq.account, id); f != nil {
		feeds = []int64{f.ID}
	} else if w := s.st.workspaceIn(rq.account, id); w != nil {
		feeds = s.st.feeds.idsOf(w.ID)
	} else {
		return rq.notFound("Feed %s does not exist in account %d.", quoteParam(rq.params["feedId"]), rq.account)
	}
	out := []subscriptionView{}
	for _, fid := range feeds {
		for _, sid := range s.st.subs.idsOf(fid) {
			out = append(out, s.subscriptionView(s.st.subs.get(sid)))
		}
	}
	return okSnake(http.StatusOK, "Partner Feed Subscription", out)
}

func (s *Server) subscriptionView(sub *subscription) subscriptionView {
	name := ""
	if o := s.st.outcfgs.get(sub.ServiceConfigurationID); o != nil {
		name = o.Name
	}
	ss := sub.Settings
	if ss == nil {
		ss = []setting{}
	}
	return subscriptionView{sub.ID, sub.ServiceConfigurationID, name, sub.IsActive, ss, "Partner Feed Subscription", sub.CreatedOn}
}

// subscriptionStamp is the 7-digit UTC form the subscription list shows.
const subscriptionStamp = "2006-01-02T15:04:05.0000000Z07:00"

// createSubscription is POST /partnerfeeds/{feedId}/subscriptions.
// service_configuration_id is an output configuration of the feed's
// account (docs/inconsistencies.md: service_configuration_id); os is accepted and ignored (docs/inconsistencies.md: extra os).
func (s *Server) createSubscription(rq *request, t *tx) response {
	id, _ := rq.paramID("feedId")
	f := s.feedIn(rq.account, id)
	if f == nil {
		return rq.notFound("Feed %s does not exist in account %d.", quoteParam(rq.params["feedId"]), rq.account)
	}
	body, err := bodyObject(rq.body)
	if err != nil {
		return rq.bodyFail(err)
	}
	cfgID, err := body.integer("service_configuration_id")
	if err != nil {
		return rq.bodyFail(err)
	}
	active, err := body.boolean("is_active")
	if err != nil {
		return rq.bodyFail(err)
	}
	settings, _, err := body.settingsList("settings")
	if err != nil {
		return rq.bodyFail(err)
	}
	if _, err := body.str("os"); err != nil {
		return rq.bodyFail(err)
	}
	if cfgID == nil {
		return rq.invalid("service_configuration_id is required: the id of an output configuration.")
	}
	o := s.st.outcfgs.get(*cfgID)
	if o == nil || s.st.workspaceIn(rq.account, o.WorkspaceID) == nil {
		return rq.invalid(fmt.Sprintf("Output configuration %d does not exist in account %d.", *cfgID, rq.account))
	}
	for _, sid := range s.st.subs.idsOf(f.ID) {
		if s.st.subs.get(sid).ServiceConfigurationID == o.ID {
			return rq.invalid("The feed is already subscribed to this output configuration.")
		}
	}
	if settings == nil {
		settings = []setting{}
	}
	sub := &subscription{ID: s.st.meta.nextID("sub"), FeedID: f.ID, ServiceConfigurationID: o.ID, Settings: settings,
		CreatedOn: rq.now.UTC().Format(subscriptionStamp)}
	if active != nil {
		sub.IsActive = *active
	}
	s.st.subs.put(sub)
	t.put(sub)
	t.put(s.st.meta)
	return okSnake(http.StatusCreated, "PartnerFeed Subscription", []createdView{{"PartnerFeed Subscription", sub.ID, sub.CreatedOn}})
}
