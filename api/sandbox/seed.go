package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox/calcattr"
	"github.com/mpconsole/mpconsole/assets"
)

// Ids and names in the default seed (assets/seed.json), for tests in other
// packages. The viewer credential reaches SeedAccountID only.
const (
	SeedAccountID        int64 = 1 // "Acme Production": the accountId of the examples
	SeedAccountName            = "Acme Production"
	SeedOtherAccountID   int64 = 2 // "Acme Staging": a little data of its own
	SeedOtherAccountName       = "Acme Staging"

	SeedAppID         int64 = 1 // "Acme Shop": iOS, Android, MobileWeb, service configurations, DataPoints, filters
	SeedAppName             = "Acme Shop"
	SeedEmptyAppID    int64 = 4 // "Acme Legacy": no platforms, so it can be deleted
	SeedOtherAppID    int64 = 5 // "Acme Shop (Staging)", in account 2
	SeedWorkspaceID   int64 = 4302
	SeedWorkspaceName       = "mP Traveller"
	SeedOtherWSID     int64 = 5101 // account 2's workspace "Staging"
	// SeedSharedWSID is account 2's "mP Traveller": the name of account
	// 1's 4302, so the two compare and promote (data plans: checkout_plan
	// v1 and v2 alike, v3 and the other plans only in account 1).
	SeedSharedWSID     int64 = 5102
	SeedAudienceID     int64 = 7622 // "Abandoned Cart", single-workspace (4302)
	SeedMultiAudience  int64 = 7625 // in workspaces 4302 and 4303
	SeedFeedID         int64 = 229  // "Mailchimp1" in workspace 4302, with two subscriptions
	SeedOutputConfigID int64 = 24020
	SeedUserEmail            = "test@mparticle.com" // /users/test40mparticle2Ecom
	// Calculated attributes of workspace 4302, one per lifecycle state.
	SeedCAActiveWithDraft int64 = 5 // active, with a newer draft
	SeedCADraftOnly       int64 = 6 // never activated
	SeedCAActive          int64 = 7 // active, draft discarded
	SeedCACalculating     int64 = 8 // activated at start: calculation in progress for a minute
	SeedCADiscarded       int64 = 9 // never activated, draft discarded
)

// seedSpec is a parsed --seed value.
type seedSpec struct {
	kind string // "default", "empty" or "large"
	n    int
}

func (s seedSpec) String() string {
	if s.kind == "large" {
		return "large:" + strconv.Itoa(s.n)
	}
	return s.kind
}

// maxLargeSeed bounds large:N.
const maxLargeSeed = 1_000_000

// ValidateSeed checks a --seed value without building anything.
func ValidateSeed(spec string) error {
	_, err := parseSeedSpec(spec)
	return err
}

func parseSeedSpec(s string) (seedSpec, error) {
	switch s = strings.TrimSpace(s); {
	case s == "" || s == "default":
		return seedSpec{kind: "default"}, nil
	case s == "empty":
		return seedSpec{kind: "empty"}, nil
	case strings.HasPrefix(s, "large:"):
		n, err := strconv.Atoi(strings.TrimPrefix(s, "large:"))
		if err != nil || n < 1 || n > maxLargeSeed {
			return seedSpec{}, fmt.Errorf("seed %q: large:N needs N from 1 to %d", s, maxLargeSeed)
		}
		return seedSpec{kind: "large", n: n}, nil
	}
	return seedSpec{}, fmt.Errorf("seed %q: want default, empty or large:N", s)
}

// ---- the seed document (assets/seed.json) ----

type seedDoc struct {
	AppLimit int           `json:"app_limit"`
	Services []*service    `json:"services"`
	Accounts []seedAccount `json:"accounts"`
}

type seedAccount struct {
	account
	Apps       []seedApp       `json:"apps"`
	Workspaces []seedWorkspace `json:"workspaces"`
	Audiences  []*audience     `json:"audiences"`
	Users      []*user         `json:"users"`
}

type seedApp struct {
	ID             int64          `json:"id"`
	Name           string         `json:"name"`
	CreatedOn      string         `json:"created_on"`
	LastModifiedOn string         `json:"last_modified_on"`
	Platforms      []*platform    `json:"platforms"`
	DataPoints     []seedDataPt   `json:"datapoints"`
	Filters        []seedFilterSt `json:"filters"`
}

type seedDataPt struct {
	raw       fields
	createdOn string
}

func (d *seedDataPt) UnmarshalJSON(b []byte) error {
	f, err := asObject(bytes.TrimSpace(b), "DataPoint")
	if err != nil {
		return err
	}
	if c, err := f.str("created_on"); err != nil {
		return err
	} else if c != nil {
		d.createdOn = *c
	}
	d.raw = f
	return nil
}

type seedFilterSt struct {
	Service string   `json:"service"`
	SendNew *bool    `json:"sendNewDataPointsByDefault"`
	Filters []fields `json:"datapoints"`
}

type seedWorkspace struct {
	ID                   int64                   `json:"id"`
	Name                 string                  `json:"name"`
	CreatedOn            string                  `json:"created_on"`
	Feeds                []seedFeed              `json:"feeds"`
	OutputConfigurations []*serviceConfiguration `json:"output_configurations"`
	CalculatedAttributes []json.RawMessage       `json:"calculated_attributes"`
}

type seedFeed struct {
	feed
	Subscriptions []*subscription `json:"subscriptions"`
}

// buildSeed builds the state a fresh store starts with.
func buildSeed(spec seedSpec, now time.Time) (*state, error) {
	var doc seedDoc
	d := json.NewDecoder(bytes.NewReader(assets.SandboxSeed()))
	d.DisallowUnknownFields()
	if err := d.Decode(&doc); err != nil {
		return nil, fmt.Errorf("seed document: %w", err)
	}
	st := newState()
	st.meta.Seed = spec.String()
	st.meta.AppLimit = max(doc.AppLimit, DefaultAppLimit)
	for _, svc := range doc.Services {
		if err := checkService(svc); err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
		if st.service(svc.Name) != nil {
			return nil, fmt.Errorf("seed: service %q is listed twice", svc.Name)
		}
		st.putService(svc)
	}
	switch spec.kind {
	case "empty":
		return st, nil
	case "large":
		return buildLarge(st, spec.n, now)
	}
	for _, a := range doc.Accounts {
		if err := seedAccountInto(st, a, now); err != nil {
			return nil, fmt.Errorf("seed: account %d: %w", a.ID, err)
		}
	}
	return st, nil
}

func checkService(svc *service) error {
	if strings.TrimSpace(svc.Name) == "" {
		return fmt.Errorf("a service has no name")
	}
	for _, p := range svc.Platforms {
		if c, ok := canonical(osValues, p); !ok || c != p {
			return fmt.Errorf("service %s: platform %q is not a canonical os", svc.Name, p)
		}
	}
	for _, t := range svc.DataPointTypes {
		if c, ok := canonical(dataPointTypes, t); !ok || c != t {
			return fmt.Errorf("service %s: %q is not a DataPoint type", svc.Name, t)
		}
	}
	for _, st := range svc.Settings {
		if st.Type != "String" && st.Type != "Bool" && st.Type != "Custom" {
			return fmt.Errorf("service %s: setting %s has type %q", svc.Name, st.Name, st.Type)
		}
	}
	return nil
}

// seedAccountInto adds one account of the seed document, checking it with
// the same rules the API applies to writes.
func seedAccountInto(st *state, sa seedAccount, now time.Time) error {
	if sa.ID < 1 || st.accounts.get(sa.ID) != nil {
		return fmt.Errorf("bad or duplicate id")
	}
	a := sa.account
	st.accounts.put(&a)
	tmp := &Server{st: st}
	t := newTx()
	for _, sp := range sa.Apps {
		if sp.ID < 1 || st.apps.get(sp.ID) != nil {
			return fmt.Errorf("app %d: bad or duplicate id", sp.ID)
		}
		ap := &app{ID: sp.ID, AccountID: a.ID, Name: sp.Name, CreatedOn: sp.CreatedOn, LastModifiedOn: sp.LastModifiedOn}
		if tmp.appNameTaken(a.ID, ap.Name, 0) {
			return fmt.Errorf("app %d: name %q is taken", sp.ID, ap.Name)
		}
		for _, p := range sp.Platforms {
			if c, ok := canonical(osValues, p.OS); !ok || c != p.OS || ap.platform(p.OS) != nil {
				return fmt.Errorf("app %d: bad or duplicate platform %q", sp.ID, p.OS)
			}
			configs := p.Services
			p.Services = []*serviceConfig{}
			for _, c := range configs {
				in := serviceConfigInput{account: c.Account, name: c.Name, isActive: &c.IsActive, isVisible: &c.IsVisible, settings: c.Settings}
				if in.account == "" {
					in.account = "Default Account"
				}
				if _, msg := mergeServiceConfig(st, p, in); msg != "" {
					return fmt.Errorf("app %d %s: service %s: %s", sp.ID, p.OS, c.Name, msg)
				}
			}
			ap.Platforms = append(ap.Platforms, p)
		}
		st.apps.put(ap)
		for i, dp := range sp.DataPoints {
			in, msg, err := readDataPoint(dp.raw, false)
			if err == nil && msg != "" {
				err = fmt.Errorf("%s", msg)
			}
			if err != nil {
				return fmt.Errorf("app %d: DataPoint %d: %w", sp.ID, i, err)
			}
			created := dp.createdOn
			if created == "" {
				created = stamp(now)
			}
			tmp.ensureDataPoint(ap.ID, in, created, t)
		}
		for _, fs := range sp.Filters {
			svc := st.service(fs.Service)
			if svc == nil {
				return fmt.Errorf("app %d: filters for unknown service %q", sp.ID, fs.Service)
			}
			if fs.SendNew != nil {
				set := tmp.filterSetOf(ap.ID, svc)
				set.SendNew = *fs.SendNew
				st.putFilterSet(set)
			}
			ins := make([]dpInput, 0, len(fs.Filters))
			for i, f := range fs.Filters {
				in, msg, err := readDataPoint(f, true)
				if err == nil && msg != "" {
					err = fmt.Errorf("%s", msg)
				}
				if err != nil {
					return fmt.Errorf("app %d: %s filter %d: %w", sp.ID, svc.Name, i, err)
				}
				ins = append(ins, in)
			}
			tmp.applyFilters(ap.ID, svc, ins, stamp(now), t)
		}
	}
	for _, sw := range sa.Workspaces {
		if sw.ID < 1 || st.workspaces.get(sw.ID) != nil {
			return fmt.Errorf("workspace %d: bad or duplicate id", sw.ID)
		}
		st.workspaces.put(&workspace{ID: sw.ID, AccountID: a.ID, Name: sw.Name, CreatedOn: sw.CreatedOn})
		for _, o := range sw.OutputConfigurations {
			if o.ID < 1 || st.outcfgs.get(o.ID) != nil {
				return fmt.Errorf("output configuration %d: bad or duplicate id", o.ID)
			}
			o.WorkspaceID = sw.ID
			st.outcfgs.put(o)
		}
		for _, sf := range sw.Feeds {
			f := sf.feed
			if f.ID < 1 || st.feeds.get(f.ID) != nil {
				return fmt.Errorf("feed %d: bad or duplicate id", f.ID)
			}
			if c, ok := canonical(feedOSValues, f.OS); !ok || c != f.OS {
				return fmt.Errorf("feed %d: os %q is not canonical", f.ID, f.OS)
			}
			f.WorkspaceID = sw.ID
			if f.Settings == nil {
				f.Settings = []setting{}
			}
			st.feeds.put(&f)
			for _, sub := range sf.Subscriptions {
				if sub.ID < 1 || st.subs.get(sub.ID) != nil {
					return fmt.Errorf("subscription %d: bad or duplicate id", sub.ID)
				}
				if st.outcfgs.get(sub.ServiceConfigurationID) == nil {
					return fmt.Errorf("subscription %d: no output configuration %d (list them before use)", sub.ID, sub.ServiceConfigurationID)
				}
				sub.FeedID = f.ID
				st.subs.put(sub)
			}
		}
		book, err := calcattr.LoadSeed(sw.CalculatedAttributes, now)
		if err != nil {
			return fmt.Errorf("workspace %d: %w", sw.ID, err)
		}
		if len(book.Items) > 0 {
			st.books[sw.ID] = book
		}
	}
	for _, au := range sa.Audiences {
		if au.ID < 1 || st.audiences.get(au.ID) != nil {
			return fmt.Errorf("audience %d: bad or duplicate id", au.ID)
		}
		for _, ws := range au.Workspaces {
			if st.workspaceIn(a.ID, ws) == nil {
				return fmt.Errorf("audience %d: workspace %d is not in the account", au.ID, ws)
			}
		}
		au.AccountID = a.ID
		st.audiences.put(au)
	}
	for _, u := range sa.Users {
		if !validEmail(u.Email) || st.userByEmail(a.ID, u.Email) != nil {
			return fmt.Errorf("user %q: bad or duplicate e-mail", u.Email)
		}
		u.AccountID = a.ID
		u.Seq = st.meta.nextID("user")
		st.users.put(u)
	}
	return nil
}

// buildLarge generates N of each list kind, deterministically, for scale
// tests: N accounts (1 and 2 keep their names); in account 1, N apps (one
// platform each), N DataPoints in app 1, N workspaces, N audiences, feeds,
// output configurations (module Indicative) and calculated attributes in
// workspace 1, N subscriptions on feed 1 and N users; a catalogue of N
// services (the real ones first). Account 2 gets one app, workspace
// (N+1) and user.
func buildLarge(st *state, n int, now time.Time) (*state, error) {
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(i int) string { return api.FormatTime(base.Add(time.Duration(i) * time.Second)) }
	st.meta.AppLimit = max(st.meta.AppLimit, n+DefaultAppLimit)

	// The catalogue: exactly N entries.
	if len(st.services) > n {
		for _, svc := range st.services[n:] {
			delete(st.svcByName, strings.ToLower(svc.Name))
		}
		st.services = st.services[:n]
	}
	for i := len(st.services) + 1; i <= n; i++ {
		st.putService(&service{Name: fmt.Sprintf("Service %06d", i), Settings: []serviceSetting{
			{IsRequired: true, Name: "apiKey", Description: "The API key of this generated integration.", Type: "String", Confidential: true},
		}})
	}
	for i := 1; i <= max(n, 2); i++ {
		name := fmt.Sprintf("Account %06d", i)
		switch i {
		case 1:
			name = SeedAccountName
		case 2:
			name = SeedOtherAccountName
		}
		st.accounts.put(&account{ID: int64(i), Name: name, CreatedOn: at(i), LastModifiedOn: at(i)})
	}
	ga := st.service("GoogleAnalyticsEventForwarder")
	for i := 1; i <= n; i++ {
		id, ts := int64(i), at(i)
		st.apps.put(&app{ID: id, AccountID: 1, Name: fmt.Sprintf("App %06d", i), CreatedOn: ts, LastModifiedOn: ts,
			Platforms: []*platform{{OS: osValues[i%len(osValues)], AccessKey: fmt.Sprintf("%032x", i),
				CrashHandling: pointerTo("AppDefined"), NetworkPerformance: pointerTo("AppDefined"), SocialMode: pointerTo("AppDefined"),
				PushAttributionTimer: 30, CreatedOn: ts, LastModifiedOn: ts, Services: []*serviceConfig{}}}})
		st.dps.put(&dataPoint{Seq: id, AppID: 1, Name: fmt.Sprintf("Event %06d", i), Type: "Event",
			EventType: pointerTo(eventTypes[i%len(eventTypes)]), CreatedOn: ts})
		st.workspaces.put(&workspace{ID: id, AccountID: 1, Name: fmt.Sprintf("Workspace %06d", i), CreatedOn: ts})
		st.audiences.put(&audience{ID: id, AccountID: 1, Name: fmt.Sprintf("Audience %06d", i), ExternalName: fmt.Sprintf("Audience %06d", i),
			Size: int64(i * 7 % 10007), CreatedBy: "generator", LastModifiedBy: "generator", LastModifiedOn: ts, Status: "active",
			Workspaces: []int64{1}, ConnectedOutputs: []connectedOutput{}})
		st.feeds.put(&feed{ID: id, WorkspaceID: 1, ModuleName: "radar", Name: fmt.Sprintf("Feed %06d", i), OS: feedOSValues[i%len(feedOSValues)],
			Settings: []setting{}, CreatedOn: ts})
		st.outcfgs.put(&serviceConfiguration{ID: id, WorkspaceID: 1, ModuleName: "Indicative", Name: fmt.Sprintf("Output %06d", i), CreatedOn: ts})
		st.subs.put(&subscription{ID: id, FeedID: 1, ServiceConfigurationID: id, IsActive: i%2 == 0, Settings: []setting{}, CreatedOn: ts})
		st.users.put(&user{Seq: id, AccountID: 1, FirstName: "User", LastName: fmt.Sprintf("%06d", i), Email: fmt.Sprintf("user%06d@acme.example", i)})
	}
	if ga != nil {
		st.putFilterSet(&filterSet{AppID: 1, Service: ga.Name, SendNew: true, Enabled: map[string]bool{}, Switches: map[string]bool{}})
	}
	book, err := largeCABook(n, at, now)
	if err != nil {
		return nil, fmt.Errorf("large seed: %w", err)
	}
	st.books[1] = book
	o := int64(n + 1)
	st.apps.put(&app{ID: o, AccountID: 2, Name: "Acme Shop (Staging)", CreatedOn: at(0), LastModifiedOn: at(0),
		Platforms: []*platform{{OS: "iOS", AccessKey: fmt.Sprintf("%032x", o), CrashHandling: pointerTo("AppDefined"),
			NetworkPerformance: pointerTo("AppDefined"), SocialMode: pointerTo("AppDefined"), PushAttributionTimer: 30,
			CreatedOn: at(0), LastModifiedOn: at(0), Services: []*serviceConfig{}}}})
	st.workspaces.put(&workspace{ID: o, AccountID: 2, Name: "Staging", CreatedOn: at(0)})
	st.users.put(&user{Seq: o, AccountID: 2, FirstName: "Quinn", LastName: "Assurance", Email: "qa@acme.example"})
	return st, nil
}

// largeCABook generates N calculated attributes (drafts) through
// calcattr.LoadSeed, in parallel chunks merged into one book.
func largeCABook(n int, at func(int) string, now time.Time) (*calcattr.Book, error) {
	workers := max(1, min(runtime.GOMAXPROCS(0), n/1000))
	books := make([]*calcattr.Book, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := 1+n*w/workers, n*(w+1)/workers
		wg.Go(func() {
			items := make([]json.RawMessage, 0, hi-lo+1)
			for i := lo; i <= hi; i++ {
				items = append(items, json.RawMessage(fmt.Sprintf(`{"id":%d,"name":"Attribute %06d","description":"generated",`+
					`"created_by":"generator","created_on":%q,"last_modified_on":%q,"draft_definition":{"recipe_type":"event",`+
					`"datapoint":{"type":"event","event_name":"Event %06d","event_type":"custom_event"},"conditions":[],`+
					`"calculation_type":"count","time_period":{"type":"within","within":30,"within_unit":"days"}}}`,
					i, i, at(i), at(i), i)))
			}
			books[w], errs[w] = calcattr.LoadSeed(items, now)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	book := books[0]
	for _, b := range books[1:] { // chunks hold ascending, disjoint ids
		book.Items = append(book.Items, b.Items...)
		book.NextID = max(book.NextID, b.NextID)
	}
	return book, nil
}
