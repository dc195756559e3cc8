package sandbox

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/mpconsole/mpconsole/api/sandbox/dataplan"
)

// The Data Planning API: /platform/v2/workspaces/{workspaceId}/plans…
// (docs/sandbox.md). Package dataplan checks the bodies and validates
// batches; this file finds the workspace, applies scope and read-only
// rules, and keeps the plans in their index. Answers are bare JSON; every
// failure this file answers is {"errors":[{"message"}]}, the reference's
// shape, without the code the other v2 answers carry.

// dataPlan is a stored plan: the plan as the API shows it, with its
// workspace and the sequence number that keys and orders it.
type dataPlan struct {
	Seq         int64 `json:"seq"`
	WorkspaceID int64 `json:"workspace_id"`
	dataplan.Plan
}

func (p *dataPlan) key() string { return idKey("plan", p.Seq) }

// messageItem and messageErrors are the error body of the Data Planning
// and Custom Access Roles APIs: messages only.
type messageItem struct {
	Message string `json:"message"`
}

type messageErrors struct {
	Errors []messageItem `json:"errors"`
}

// failMessages answers a failure with one errors[] item per message.
func failMessages(status int, msgs ...string) response {
	e := messageErrors{Errors: make([]messageItem, len(msgs))}
	for i, m := range msgs {
		e.Errors[i].Message = m
	}
	return encodeResp(status, e)
}

// failErr answers a dataplan.Error (400) with its messages.
func failErr(err error) response {
	var de *dataplan.Error
	if errors.As(err, &de) {
		return failMessages(http.StatusBadRequest, de.Messages...)
	}
	return failMessages(http.StatusBadRequest, err.Error())
}

// createdBy is how the Data Planning API records a credential's writes.
func createdBy(c *Credential) string { return "client_id:" + c.ClientID }

// planScope finds the path's workspace for the credential (404), refuses a
// read-only credential's POST, PATCH and DELETE (403) and a body that is
// not UTF-8 (400).
func (s *Server) planScope(rq *request) (*workspace, *response) {
	id, ok := rq.paramID("workspaceId")
	w := s.st.workspaces.get(id)
	if !ok || w == nil || s.st.accounts.get(w.AccountID) == nil || !rq.cred.canReach(w.AccountID) {
		f := failMessages(http.StatusNotFound,
			fmt.Sprintf("Workspace %s does not exist or you do not have access.", quoteParam(rq.params["workspaceId"])))
		return nil, &f
	}
	if rq.method != http.MethodGet && rq.cred.ReadOnly {
		f := failMessages(http.StatusForbidden, fmt.Sprintf("The credential %q is read-only: it may not %s.", rq.cred.ClientID, safeMethod(rq.method)))
		return nil, &f
	}
	if rq.body != nil && !utf8.Valid(rq.body) {
		f := failMessages(http.StatusBadRequest, fmt.Sprintf("Request body is not valid UTF-8 (at byte %d).", invalidUTF8At(rq.body)))
		return nil, &f
	}
	return w, nil
}

// planID is the path's plan id; on the validate route (GET, PATCH and
// DELETE of P/validate) it is "validate".
func planID(rq *request) string {
	if id, ok := rq.params["planId"]; ok {
		return id
	}
	return "validate"
}

// planOf finds the path's plan (404 with the documented message).
func (s *Server) planOf(rq *request) (*workspace, *dataPlan, *response) {
	w, fail := s.planScope(rq)
	if fail != nil {
		return nil, nil, fail
	}
	id := planID(rq)
	p := s.st.plans.byName(w.ID, id)
	if p == nil {
		f := failMessages(http.StatusNotFound, dataplan.PlanNotFound(id, w.ID))
		return nil, nil, &f
	}
	return w, p, nil
}

// versionOf finds the path's version (404 with the documented message).
func (s *Server) versionOf(rq *request) (*workspace, *dataPlan, *dataplan.Version, *response) {
	w, p, fail := s.planOf(rq)
	if fail != nil {
		return nil, nil, nil, fail
	}
	raw := rq.params["version"]
	n, err := strconv.ParseInt(raw, 10, 64)
	var v *dataplan.Version
	if err == nil {
		v = p.Version(n)
	}
	if v == nil {
		f := failMessages(http.StatusNotFound, dataplan.VersionNotFound(raw, p.ID, w.ID))
		return nil, nil, nil, &f
	}
	return w, p, v, nil
}

func (s *Server) listPlans(rq *request, _ *tx) response {
	w, fail := s.planScope(rq)
	if fail != nil {
		return *fail
	}
	plans := s.st.plans.list(w.ID)
	out := make([]*dataplan.Plan, len(plans))
	for i, p := range plans {
		out[i] = p.Summary()
	}
	return bare(http.StatusOK, out)
}

func (s *Server) createPlan(rq *request, t *tx) response {
	w, fail := s.planScope(rq)
	if fail != nil {
		return *fail
	}
	plan, err := dataplan.ParsePlan(rq.body, dataplan.Stamp(rq.now), createdBy(rq.cred))
	if err != nil {
		return failErr(err)
	}
	if s.st.plans.byName(w.ID, plan.ID) != nil {
		return failMessages(http.StatusBadRequest, fmt.Sprintf("A data plan with ID %s already exists in workspace %d.", plan.ID, w.ID))
	}
	p := &dataPlan{Seq: s.st.meta.nextID("plan"), WorkspaceID: w.ID, Plan: *plan}
	s.st.plans.put(p)
	t.put(p)
	return bare(http.StatusOK, &p.Plan)
}

func (s *Server) getPlan(rq *request, _ *tx) response {
	_, p, fail := s.planOf(rq)
	if fail != nil {
		return *fail
	}
	return bare(http.StatusOK, &p.Plan)
}

func (s *Server) updatePlan(rq *request, t *tx) response {
	_, p, fail := s.planOf(rq)
	if fail != nil {
		return *fail
	}
	patch, err := dataplan.ParsePlanPatch(rq.body)
	if err != nil {
		return failErr(err)
	}
	if patch.Name != nil {
		p.Name = *patch.Name
	}
	if patch.Description != nil {
		p.Description = *patch.Description
	}
	p.LastModifiedOn, p.LastModifiedBy = dataplan.Stamp(rq.now), createdBy(rq.cred)
	t.put(p)
	return bare(http.StatusOK, &p.Plan)
}

func (s *Server) deletePlan(rq *request, t *tx) response {
	_, p, fail := s.planOf(rq)
	if fail != nil {
		return *fail
	}
	s.st.plans.del(p)
	t.del(p.key())
	return response{status: http.StatusNoContent}
}

func (s *Server) createPlanVersion(rq *request, t *tx) response {
	_, p, fail := s.planOf(rq)
	if fail != nil {
		return *fail
	}
	v, hasNumber, err := dataplan.ParseVersion(rq.body, p.ID, dataplan.Stamp(rq.now), createdBy(rq.cred))
	if err != nil {
		return failErr(err)
	}
	if !hasNumber {
		v.Version = p.NextVersion()
	} else if p.Version(v.Version) != nil {
		return failMessages(http.StatusBadRequest, fmt.Sprintf("Version %d already exists in plan ID %s.", v.Version, p.ID))
	}
	p.Versions = append(p.Versions, v)
	slices.SortStableFunc(p.Versions, func(a, b *dataplan.Version) int { return int(a.Version - b.Version) })
	t.put(p)
	return bare(http.StatusOK, v)
}

func (s *Server) getPlanVersion(rq *request, _ *tx) response {
	_, _, v, fail := s.versionOf(rq)
	if fail != nil {
		return *fail
	}
	return bare(http.StatusOK, v)
}

func (s *Server) updatePlanVersion(rq *request, t *tx) response {
	_, p, v, fail := s.versionOf(rq)
	if fail != nil {
		return *fail
	}
	patch, err := dataplan.ParseVersionPatch(rq.body, v.Version)
	if err != nil {
		return failErr(err)
	}
	patch.Apply(v, dataplan.Stamp(rq.now), createdBy(rq.cred))
	t.put(p)
	return bare(http.StatusOK, v)
}

func (s *Server) deletePlanVersion(rq *request, t *tx) response {
	_, p, v, fail := s.versionOf(rq)
	if fail != nil {
		return *fail
	}
	if msg := dataplan.DeleteRefusal(&p.Plan, v); msg != "" {
		return failMessages(http.StatusBadRequest, msg)
	}
	p.Versions = slices.DeleteFunc(p.Versions, func(x *dataplan.Version) bool { return x == v })
	t.put(p)
	return response{status: http.StatusNoContent}
}

func (s *Server) validatePlanBatch(rq *request, _ *tx) response {
	if _, fail := s.planScope(rq); fail != nil {
		return *fail
	}
	res, err := dataplan.Validate(rq.body)
	if err != nil {
		return failErr(err)
	}
	return bare(http.StatusOK, res)
}

// deletePlansOf removes a workspace's plans (its account is deleted).
func (s *Server) deletePlansOf(workspaceID int64, t *tx) {
	for _, p := range s.st.plans.list(workspaceID) {
		t.del(p.key())
	}
	s.st.plans.delAll(workspaceID)
}

// ---- seed ----

// planSeed is api/sandbox/dataplans_seed.json: plans by workspace, as the
// API shows them (timestamps and authors kept).
//
//go:embed dataplans_seed.json
var planSeed []byte

type planSeedDoc struct {
	Workspaces []struct {
		ID    int64             `json:"id"`
		Plans []json.RawMessage `json:"plans"`
	} `json:"workspaces"`
}

// seedPlans adds the seeded plans of the workspaces that exist, checking
// every document with the API's rules.
func seedPlans(st *state) error {
	var doc planSeedDoc
	d := json.NewDecoder(bytes.NewReader(planSeed))
	d.DisallowUnknownFields()
	if err := d.Decode(&doc); err != nil {
		return fmt.Errorf("data plan seed: %w", err)
	}
	for _, sw := range doc.Workspaces {
		if st.workspaces.get(sw.ID) == nil {
			continue
		}
		for _, raw := range sw.Plans {
			if err := seedPlan(st, sw.ID, raw); err != nil {
				return fmt.Errorf("data plan seed: workspace %d: %w", sw.ID, err)
			}
		}
	}
	return nil
}

func seedPlan(st *state, ws int64, raw json.RawMessage) error {
	var p dataplan.Plan
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(&p); err != nil {
		return err
	}
	if st.plans.byName(ws, p.ID) != nil || dataplan.Slug(p.ID) != p.ID || p.Name == "" || len(p.Versions) == 0 {
		return fmt.Errorf("plan %q: bad or duplicate id, no name or no version", p.ID)
	}
	seen := map[int64]bool{}
	for _, v := range p.Versions {
		if v.Version < 1 || seen[v.Version] || !slices.Contains(dataplan.Environments, v.ActivatedEnvironment) || v.Document == nil {
			return fmt.Errorf("plan %q: version %d: bad or duplicate number, environment or no document", p.ID, v.Version)
		}
		seen[v.Version] = true
		b, _ := json.Marshal(v.Document)
		checked, err := dataplan.ParseDocument(b)
		if err != nil {
			return fmt.Errorf("plan %q: version %d: %w", p.ID, v.Version, err)
		}
		v.Document, v.PlanID = checked, p.ID
	}
	st.plans.put(&dataPlan{Seq: st.meta.nextID("plan"), WorkspaceID: ws, Plan: p})
	return nil
}

// seedLargePlans gives workspace 1 N plans of one draft version each.
func seedLargePlans(st *state, n int) {
	definition := json.RawMessage(`{"properties":{"data":{"additionalProperties":true}}}`) // shared: never changed in place
	for i := 1; i <= n; i++ {
		num := fmt.Sprintf("%06d", i)
		id := "plan_" + num
		at := fmt.Sprintf("2020-01-01T00:00:%02d.000", i%60)
		criteria := json.RawMessage(`{"event_name":"Event ` + num + `","custom_event_type":"other"}`)
		st.plans.put(&dataPlan{Seq: int64(i), WorkspaceID: 1, Plan: dataplan.Plan{ID: id, Name: "Plan " + num,
			CreatedOn: at, CreatedBy: "generator", Versions: []*dataplan.Version{{Version: 1, PlanID: id, ActivatedEnvironment: "none",
				CreatedOn: at, CreatedBy: "generator", Document: &dataplan.Document{DataPoints: []dataplan.DataPoint{{
					Match:     dataplan.Match{Type: "custom_event", Criteria: criteria},
					Validator: dataplan.Validator{Type: "json_schema", Definition: definition},
				}}}}}}})
	}
}
