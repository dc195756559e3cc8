package sandbox

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
)

// Workspaces, and the hidden User Insights report of one.

func (s *Server) listWorkspaces(rq *request, _ *tx) response {
	ids := s.st.workspaces.idsOf(rq.account)
	out := make([]workspaceView, 0, len(ids))
	for _, id := range ids {
		out = append(out, s.st.workspaces.get(id).view())
	}
	return okEnv(http.StatusOK, "workspace", out)
}

// workspaceOf is the workspace of the path, in the request's account.
func (s *Server) workspaceOf(rq *request) (*workspace, *response) {
	id, ok := rq.paramID("workspaceId")
	var w *workspace
	if ok {
		w = s.st.workspaceIn(rq.account, id)
	}
	if w == nil {
		f := rq.notFound("Workspace %s does not exist in account %d or you do not have access.", quoteParam(rq.params["workspaceId"]), rq.account)
		return nil, &f
	}
	return w, nil
}

type insightsLift struct {
	Lift                 float64 `json:"lift"`
	PerformanceIndicator string  `json:"performance_indicator"`
}

type insightsRow struct {
	FactName                             string         `json:"fact_name"`
	FactProvider                         *string        `json:"fact_provider"`
	FactCategory                         *string        `json:"fact_category"`
	OverlapSize                          string         `json:"overlap_size"`
	SessionCount                         string         `json:"session_count"`
	MedianSessionLength                  float64        `json:"median_session_length"`
	Revenue                              float64        `json:"revenue"`
	EventCount                           string         `json:"event_count"`
	OverlapPercentage                    float64        `json:"overlap_percentage"`
	SessionCountLift                     insightsLift   `json:"session_count_lift"`
	SessionLengthLift                    insightsLift   `json:"session_length_lift"`
	RevenueLift                          insightsLift   `json:"revenue_lift"`
	EventUULLift                         []insightsLift `json:"event_uul_lift"`
	GoalLift                             []insightsLift `json:"goal_lift"`
	RevenueLiftAmount                    float64        `json:"revenue_lift_amount"`
	RevenueLiftPerformanceIndicator      string         `json:"revenue_lift_performance_indicator"`
	SessionLengthLiftAmount              float64        `json:"session_length_lift_amount"`
	SessionCountLiftAmount               float64        `json:"session_count_lift_amount"`
	SessionCountLiftPerformanceIndicator string         `json:"session_count_lift_performance_indicator"`
}

type insightsReport struct {
	DataType               string        `json:"data_type"`
	ReportCalculationTime  string        `json:"report_calculation_time"`
	ApplicationID          *int64        `json:"application_id"`
	AppUniqueUserCount     string        `json:"app_unique_user_count"`
	AppSessionCount        string        `json:"app_session_count"`
	AppMedianSessionLength *float64      `json:"app_median_session_length"`
	AppRevenue             float64       `json:"app_revenue"`
	AppEventCount          string        `json:"app_event_count"`
	ReportRows             []insightsRow `json:"report_rows"`
}

// userInsights answers the hidden report with deterministic made-up
// figures, in the documented shape: {"data":[report]} only.
func (s *Server) userInsights(rq *request, _ *tx) response {
	w, fail := s.workspaceOf(rq)
	if fail != nil {
		return *fail
	}
	var appID, feedID *int64
	for k, v := range rq.query {
		n, err := strconv.ParseInt(strings.TrimSpace(strings.Join(v, "")), 10, 64)
		switch {
		case strings.EqualFold(k, "applicationid"):
			if err != nil {
				return rq.badRequest("applicationid must be an integer.")
			}
			appID = &n
		case strings.EqualFold(k, "feedid"):
			if err != nil {
				return rq.badRequest("feedid must be an integer.")
			}
			feedID = &n
		}
	}
	switch {
	case appID == nil && feedID == nil:
		return rq.badRequest("Either feedid or applicationid is required.")
	case appID != nil:
		if a := s.st.apps.get(*appID); a == nil || a.AccountID != rq.account {
			return rq.notFound("App %d does not exist in account %d.", *appID, rq.account)
		}
	default:
		if f := s.st.feeds.get(*feedID); f == nil || f.WorkspaceID != w.ID {
			return rq.notFound("Feed %d does not exist in workspace %d.", *feedID, w.ID)
		}
	}
	h := fnv.New64a()
	fmt.Fprint(h, w.ID, appID != nil, pointerValue(appID), pointerValue(feedID))
	seed := h.Sum64()
	facts := []string{"CPG&gt;Household supplies buyers&gt;Food Storage", "Seasonal&gt;Fall Seasonal&gt;Fall Fashionistas", "Travel&gt;Frequent Flyers"}
	rows := make([]insightsRow, 0, len(facts))
	for i, fact := range facts {
		x := float64((seed>>(8*i))&0xff) / 255
		lift := insightsLift{0.01 + x/20, "Average"}
		bad := insightsLift{-0.0024 - x/100, "Bad"}
		rows = append(rows, insightsRow{
			FactName: fact, OverlapSize: strconv.Itoa(500 + int(x*1000)), SessionCount: strconv.Itoa(600 + int(x*900)),
			MedianSessionLength: 300 + x*100, Revenue: float64(int(x * 1e7)), EventCount: "", OverlapPercentage: 0.01 + x/50,
			SessionCountLift: lift, SessionLengthLift: bad, RevenueLift: lift,
			EventUULLift: []insightsLift{bad}, GoalLift: []insightsLift{bad},
			RevenueLiftAmount: lift.Lift, RevenueLiftPerformanceIndicator: "Average",
			SessionLengthLiftAmount: bad.Lift, SessionCountLiftAmount: lift.Lift, SessionCountLiftPerformanceIndicator: "Average",
		})
	}
	report := insightsReport{DataType: "user_insights", ReportCalculationTime: rq.now.UTC().Format("2006-01-02T15:04:05Z"),
		ApplicationID: appID, AppUniqueUserCount: strconv.FormatUint(10000+seed%90000, 10), AppSessionCount: "0",
		AppRevenue: 0, AppEventCount: "", ReportRows: rows}
	return bare(http.StatusOK, struct {
		Data []insightsReport `json:"data"`
	}{[]insightsReport{report}})
}

func pointerValue(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
