package sandbox

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// opFunc answers one matched request. Reads get tx == nil; writes get the
// transaction that collects what must be persisted before the answer goes
// out (see state.go).
type opFunc func(s *Server, rq *request, t *tx) response

// op is one method of one route.
type op struct {
	fn        opFunc
	noAccount bool // v1 only: accountId is not required (POST /accounts)
	fresh     bool // a GET whose answer changes with the clock: never cached (answers.go)
}

// route is one row of the route table: a path pattern and what each method
// does there.
type route struct {
	pattern string // e.g. "/v1/apps/{appId}/platforms/{platform}"; "a|b" is a literal with an alias
	kind    string // the dataType errors on this route carry ("" for none)
	v2      bool   // Calculated Attributes: no accountId, no envelope
	tail    bool   // the last parameter takes the rest of the path (v2 CA sub-paths)
	ops     map[string]op
	all     opFunc // answers every method itself (calcattr.Serve checks methods per sub-path)

	segs []segment
}

// segment is one path segment of a pattern.
type segment struct {
	literals []string // alternatives, matched case-insensitively; nil for a parameter
	param    string
}

// router matches a path against the table. Routes are tried in an order
// where, at the first position two patterns differ, a literal wins over a
// parameter: /apps/{appId}/platforms is chosen before /apps/{appId}/{serviceName}
// (docs/inconsistencies.md: route overlap).
type router struct {
	routes []*route
}

func newRouter(routes []*route) *router {
	for _, r := range routes {
		for _, p := range splitPath(r.pattern) {
			if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
				r.segs = append(r.segs, segment{param: p[1 : len(p)-1]})
			} else {
				r.segs = append(r.segs, segment{literals: strings.Split(p, "|")})
			}
		}
	}
	slices.SortStableFunc(routes, func(a, b *route) int {
		for i := 0; i < len(a.segs) && i < len(b.segs); i++ {
			al, bl := a.segs[i].literals != nil, b.segs[i].literals != nil
			switch {
			case al && !bl:
				return -1
			case !al && bl:
				return 1
			}
		}
		return 0
	})
	return &router{routes: routes}
}

// splitPath splits a path into its segments, ignoring a trailing slash.
func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match finds the route for an escaped path and returns it with its
// parameters (unescaped). For a tail route the last parameter holds the
// remaining path, starting with "/" (or "" when there is none).
func (rt *router) match(escapedPath string) (*route, map[string]string, bool) {
	raw := splitPath(escapedPath)
	segs := make([]string, len(raw))
	for i, s := range raw {
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, nil, false
		}
		segs[i] = u
	}
	for _, r := range rt.routes {
		if params, ok := r.matchSegs(segs, raw); ok {
			return r, params, true
		}
	}
	return nil, nil, false
}

func (r *route) matchSegs(segs, raw []string) (map[string]string, bool) {
	n := len(r.segs)
	if r.tail {
		if len(segs) < n-1 {
			return nil, false
		}
	} else if len(segs) != n {
		return nil, false
	}
	var params map[string]string
	for i, sg := range r.segs {
		if r.tail && i == n-1 {
			rest := ""
			if len(raw) > i {
				rest = "/" + strings.Join(segs[i:], "/")
			}
			if params == nil {
				params = map[string]string{}
			}
			params[sg.param] = rest
			break
		}
		if sg.literals != nil {
			if !slices.ContainsFunc(sg.literals, func(l string) bool { return strings.EqualFold(l, segs[i]) }) {
				return nil, false
			}
			continue
		}
		if segs[i] == "" {
			return nil, false
		}
		if params == nil {
			params = map[string]string{}
		}
		params[sg.param] = segs[i]
	}
	return params, true
}

// allow is the Allow header for a route: its methods, HEAD wherever GET is,
// and OPTIONS.
func (r *route) allow() string {
	order := []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}
	var ms []string
	for _, m := range order {
		_, ok := r.ops[m]
		if m == http.MethodHead && !r.v2 {
			_, ok = r.ops[http.MethodGet]
		}
		if ok {
			ms = append(ms, m)
		}
	}
	return strings.Join(append(ms, http.MethodOptions), ", ")
}

// lookup returns the op for a method; HEAD uses GET's op on v1 routes.
func (r *route) lookup(method string) (op, bool) {
	if r.all != nil {
		return op{fn: r.all}, true
	}
	if o, ok := r.ops[method]; ok {
		return o, true
	}
	if method == http.MethodHead && !r.v2 {
		o, ok := r.ops[http.MethodGet]
		return o, ok
	}
	return op{}, false
}

// routeTable is every endpoint of the reference's endpoint index, and the
// hidden ones (create and delete user, User Insights). "workspace|workspaces" accepts both
// spellings (docs/inconsistencies.md: /workspace vs /workspaces).
func routeTable() []*route {
	return []*route{
		// Accounts
		{pattern: "/v1/accounts", kind: "account", ops: map[string]op{
			http.MethodGet:    {fn: (*Server).listAccounts},
			http.MethodPost:   {fn: (*Server).createAccount, noAccount: true},
			http.MethodDelete: {fn: (*Server).deleteAccount},
		}},
		{pattern: "/v1/accounts/{accountPath}", kind: "account", ops: map[string]op{
			http.MethodGet:    {fn: (*Server).getAccount},
			http.MethodPut:    {fn: (*Server).updateAccount},
			http.MethodDelete: {fn: (*Server).deleteAccount},
		}},
		// Apps and platform creation
		{pattern: "/v1/apps", kind: "application", ops: map[string]op{
			http.MethodGet:  {fn: (*Server).listApps},
			http.MethodPost: {fn: (*Server).createApp},
		}},
		{pattern: "/v1/apps/{appId}", kind: "application", ops: map[string]op{
			http.MethodGet:    {fn: (*Server).getApp},
			http.MethodPut:    {fn: (*Server).updateApp},
			http.MethodPost:   {fn: (*Server).createPlatform},
			http.MethodDelete: {fn: (*Server).deleteApp},
		}},
		// Platforms
		{pattern: "/v1/apps/{appId}/platforms", kind: "platform", ops: map[string]op{
			http.MethodGet: {fn: (*Server).listPlatforms},
		}},
		{pattern: "/v1/apps/{appId}/platforms/{platform}", kind: "platform", ops: map[string]op{
			http.MethodGet:    {fn: (*Server).getPlatform},
			http.MethodPut:    {fn: (*Server).updatePlatform},
			http.MethodDelete: {fn: (*Server).deletePlatform},
		}},
		// Platform service configurations
		{pattern: "/v1/apps/{appId}/platforms/{platform}/services", kind: "service", ops: map[string]op{
			http.MethodGet: {fn: (*Server).listServiceConfigs},
			http.MethodPut: {fn: (*Server).putServiceConfig},
		}},
		// DataPoints
		{pattern: "/v1/apps/{appId}/datapoints", kind: "datapoint", ops: map[string]op{
			http.MethodGet: {fn: (*Server).listDataPoints},
			http.MethodPut: {fn: (*Server).addDataPoints},
		}},
		// DataPoint filters: after the literals above
		{pattern: "/v1/apps/{appId}/{serviceName}", kind: "datapoint", ops: map[string]op{
			http.MethodGet: {fn: (*Server).getServiceFiltering},
			http.MethodPut: {fn: (*Server).putServiceFiltering},
		}},
		{pattern: "/v1/apps/{appId}/{serviceName}/datapoints", kind: "datapoint", ops: map[string]op{
			http.MethodGet: {fn: (*Server).listFilters},
			http.MethodPut: {fn: (*Server).putFilters},
		}},
		// Audiences
		{pattern: "/v1/audiences", kind: "audience", ops: map[string]op{
			http.MethodGet: {fn: (*Server).listAudiences},
		}},
		{pattern: "/v1/audiences/{audienceId}", kind: "audience", ops: map[string]op{
			http.MethodDelete: {fn: (*Server).deleteAudience},
		}},
		// Workspaces, workspace audiences, feeds
		{pattern: "/v1/workspace|workspaces", kind: "workspace", ops: map[string]op{
			http.MethodGet: {fn: (*Server).listWorkspaces},
		}},
		{pattern: "/v1/workspace|workspaces/{workspaceId}/audiences", kind: "audience", ops: map[string]op{
			http.MethodGet: {fn: (*Server).listWorkspaceAudiences},
		}},
		{pattern: "/v1/workspace|workspaces/{workspaceId}/partnerfeeds", kind: "partner_feed", ops: map[string]op{
			http.MethodGet:  {fn: (*Server).listFeeds},
			http.MethodPost: {fn: (*Server).createFeed},
			http.MethodPut:  {fn: (*Server).updateFeed},
		}},
		{pattern: "/v1/workspace|workspaces/{workspaceId}/partnerfeeds/{feedId}", kind: "Partner Feed", ops: map[string]op{
			http.MethodPut: {fn: (*Server).updateFeed},
		}},
		{pattern: "/v1/workspace|workspaces/{workspaceId}/userinsights", kind: "user_insights", ops: map[string]op{
			http.MethodGet: {fn: (*Server).userInsights, fresh: true},
		}},
		{pattern: "/v1/workspace|workspaces/{workspaceId}/{moduleName}/serviceconfigurations", kind: "Service Configuration", ops: map[string]op{
			http.MethodGet: {fn: (*Server).listOutputConfigs},
		}},
		{pattern: "/v1/partnerfeeds/{feedId}", kind: "Partner Feed", ops: map[string]op{
			http.MethodGet: {fn: (*Server).getFeed},
		}},
		{pattern: "/v1/partnerfeeds/{feedId}/subscriptions", kind: "Partner Feed Subscription", ops: map[string]op{
			http.MethodGet:  {fn: (*Server).listSubscriptions},
			http.MethodPost: {fn: (*Server).createSubscription},
		}},
		// Services catalogue
		{pattern: "/v1/services", kind: "service", ops: map[string]op{
			http.MethodGet: {fn: (*Server).listServices},
		}},
		{pattern: "/v1/services/{serviceName}", kind: "service", ops: map[string]op{
			http.MethodGet: {fn: (*Server).getService},
		}},
		// Users
		{pattern: "/v1/users", kind: "user", ops: map[string]op{
			http.MethodGet:  {fn: (*Server).listUsers},
			http.MethodPost: {fn: (*Server).createUser},
		}},
		{pattern: "/v1/users/{userId}", kind: "user", ops: map[string]op{
			http.MethodGet:    {fn: (*Server).getUser},
			http.MethodDelete: {fn: (*Server).deleteUser},
		}},
		// Calculated Attributes v2: calcattr.Serve answers every method there.
		{pattern: "/platform/v2/workspaces|workspace/{workspaceId}/calculatedattributes/{rest}", v2: true, tail: true,
			all: (*Server).serveCalculatedAttributes},
		// Data Planning (dataplans.go). GET, PATCH and DELETE of plans/validate
		// reach the plan whose id is "validate"; only POST validates.
		{pattern: "/platform/v2/workspaces/{workspaceId}/plans", v2: true, ops: map[string]op{
			http.MethodGet:  {fn: (*Server).listPlans},
			http.MethodPost: {fn: (*Server).createPlan},
		}},
		{pattern: "/platform/v2/workspaces/{workspaceId}/plans/validate", v2: true, ops: map[string]op{
			http.MethodPost:   {fn: (*Server).validatePlanBatch},
			http.MethodGet:    {fn: (*Server).getPlan},
			http.MethodPatch:  {fn: (*Server).updatePlan},
			http.MethodDelete: {fn: (*Server).deletePlan},
		}},
		{pattern: "/platform/v2/workspaces/{workspaceId}/plans/{planId}", v2: true, ops: map[string]op{
			http.MethodGet:    {fn: (*Server).getPlan},
			http.MethodPatch:  {fn: (*Server).updatePlan},
			http.MethodDelete: {fn: (*Server).deletePlan},
		}},
		{pattern: "/platform/v2/workspaces/{workspaceId}/plans/{planId}/versions", v2: true, ops: map[string]op{
			http.MethodPost: {fn: (*Server).createPlanVersion},
		}},
		{pattern: "/platform/v2/workspaces/{workspaceId}/plans/{planId}/versions/{version}", v2: true, ops: map[string]op{
			http.MethodGet:    {fn: (*Server).getPlanVersion},
			http.MethodPatch:  {fn: (*Server).updatePlanVersion},
			http.MethodDelete: {fn: (*Server).deletePlanVersion},
		}},
		// Custom Access Roles (roles.go).
		{pattern: "/platform/v2/organizations/{orgId}/accounts/{accountId}/tasks", v2: true, ops: map[string]op{
			http.MethodGet: {fn: (*Server).listTasks},
		}},
		{pattern: "/platform/v2/organizations/{orgId}/accounts/{accountId}/roles", v2: true, ops: map[string]op{
			http.MethodGet: {fn: (*Server).getRoles},
			http.MethodPut: {fn: (*Server).putRoles},
		}},
		// The sandbox's own, outside the reference's paths (roles.go): who
		// holds which custom role. It follows the v1 rules (accountId,
		// scope, envelope).
		{pattern: sandboxPrefix + "/roleassignments", kind: "role_assignment", ops: map[string]op{
			http.MethodGet: {fn: (*Server).listRoleAssignments},
		}},
	}
}
