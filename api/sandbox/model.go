package sandbox

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/mpconsole/mpconsole/api/sandbox/calcattr"
)

// The model: what the sandbox stores for each entity kind. Stored forms
// are the sandbox's own (snake_case JSON with the owning ids); what the API
// shows is built by the view functions at the bottom of this file, so the
// documented shape of each endpoint lives in one place.

// keyed is anything stored under its own key.
type keyed interface{ key() string }

func idKey(prefix string, id int64) string { return fmt.Sprintf("%s/%020d", prefix, id) }

// meta is the store's bookkeeping record.
type meta struct {
	Version  int              `json:"version"`
	Seed     string           `json:"seed"`      // the seed the data file was created from
	Next     map[string]int64 `json:"next"`      // next id per kind
	AppLimit int              `json:"app_limit"` // per-account app limit
}

const metaKey = "meta"
const storeVersion = 1

func (m *meta) key() string { return metaKey }

// nextID returns the next id of a kind and advances the counter.
func (m *meta) nextID(kind string) int64 {
	id := m.Next[kind]
	if id < 1 {
		id = 1
	}
	m.Next[kind] = id + 1
	return id
}

// bump makes sure the next id of a kind is above id.
func (m *meta) bump(kind string, id int64) {
	if m.Next[kind] <= id {
		m.Next[kind] = id + 1
	}
}

type account struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	CreatedOn      string `json:"created_on"`
	LastModifiedOn string `json:"last_modified_on"`
}

func (a *account) key() string { return idKey("account", a.ID) }

type app struct {
	ID             int64       `json:"id"`
	AccountID      int64       `json:"account_id"`
	Name           string      `json:"name"`
	CreatedOn      string      `json:"created_on"`
	LastModifiedOn string      `json:"last_modified_on"`
	Platforms      []*platform `json:"platforms"`
}

func (a *app) key() string { return idKey("app", a.ID) }

// platform lives inside its app; it has no id (app id + OS).
type platform struct {
	OS                   string           `json:"os"`
	AccessKey            string           `json:"access_key"` // the secret is never stored
	CrashHandling        *string          `json:"crash_handling"`
	NetworkPerformance   *string          `json:"network_performance"`
	SocialMode           *string          `json:"social_mode"`
	ProfileMerging       bool             `json:"profile_merging"`
	PushAttributionTimer int64            `json:"push_attribution_timer"`
	CreatedOn            string           `json:"created_on"`
	LastModifiedOn       string           `json:"last_modified_on"`
	Services             []*serviceConfig `json:"services"`
}

// serviceConfig is one forwarding configuration on a platform; its key is
// (name, account label).
type serviceConfig struct {
	Account   string    `json:"account"`
	Name      string    `json:"name"`
	IsActive  bool      `json:"isActive"`
	IsVisible bool      `json:"isVisible"`
	Settings  []setting `json:"settings"`
}

// setting is a name and a string (or null) value: service configuration,
// feed and subscription settings.
type setting struct {
	Name  string  `json:"name"`
	Value *string `json:"value"`
}

// service is a catalogue entry. Platforms, DataPointTypes and
// Confidential are the sandbox's own knowledge (which OSes the integration
// supports, which DataPoint types it receives, which settings are masked);
// the API does not show them.
type service struct {
	Name           string           `json:"name"`
	Settings       []serviceSetting `json:"settings"`
	Platforms      []string         `json:"platforms,omitempty"`
	DataPointTypes []string         `json:"datapoint_types,omitempty"`
}

func (s *service) key() string { return "service/" + strings.ToLower(s.Name) }

type serviceSetting struct {
	IsRequired   bool   `json:"is_required"`
	Name         string `json:"name"`
	Description  string `json:"description"`
	Type         string `json:"type"`
	Confidential bool   `json:"confidential,omitempty"`
}

type workspace struct {
	ID        int64  `json:"id"`
	AccountID int64  `json:"account_id"`
	Name      string `json:"name"`
	CreatedOn string `json:"created_on"`
}

func (w *workspace) key() string { return idKey("workspace", w.ID) }

type audience struct {
	ID                 int64             `json:"id"`
	AccountID          int64             `json:"account_id"`
	Name               string            `json:"name"`
	ExternalName       string            `json:"external_name"`
	Size               int64             `json:"size"`
	CreatedBy          string            `json:"created_by"`
	LastModifiedBy     string            `json:"last_modified_by"`
	LastModifiedOn     string            `json:"last_modified_on"`
	IsCalculated       bool              `json:"is_calculated"`
	AddedLast24Hours   int64             `json:"added_last_24_hours"`
	DroppedLast24Hours int64             `json:"dropped_last_24_hours"`
	Status             string            `json:"status"`
	Workspaces         []int64           `json:"workspaces"`
	ConnectedOutputs   []connectedOutput `json:"connected_outputs"`
}

func (a *audience) key() string { return idKey("audience", a.ID) }

type connectedOutput struct {
	ProviderName   string         `json:"provider_name"`
	Configurations []outputConfig `json:"configurations"`
}

type outputConfig struct {
	Name string `json:"name"`
}

type feed struct {
	ID          int64     `json:"id"`
	WorkspaceID int64     `json:"workspace_id"`
	ModuleName  string    `json:"module_name"`
	Name        string    `json:"name"`
	OS          string    `json:"os"`
	IsDebug     bool      `json:"is_debug"`
	Settings    []setting `json:"settings"`
	CreatedOn   string    `json:"created_on"`
}

func (f *feed) key() string { return idKey("feed", f.ID) }

// serviceConfiguration is an output configuration a feed can subscribe to,
// listed per workspace and module.
type serviceConfiguration struct {
	ID          int64  `json:"id"`
	WorkspaceID int64  `json:"workspace_id"`
	ModuleName  string `json:"module_name"`
	Name        string `json:"name"`
	CreatedOn   string `json:"created_on"`
}

func (o *serviceConfiguration) key() string { return idKey("outcfg", o.ID) }

type subscription struct {
	ID                     int64     `json:"id"`
	FeedID                 int64     `json:"feed_id"`
	ServiceConfigurationID int64     `json:"service_configuration_id"`
	IsActive               bool      `json:"is_active"`
	Settings               []setting `json:"settings"`
	CreatedOn              string    `json:"created_on"`
}

func (s *subscription) key() string { return idKey("sub", s.ID) }

type user struct {
	Seq       int64  `json:"seq"`
	AccountID int64  `json:"account_id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
}

func (u *user) key() string { return fmt.Sprintf("user/%020d/%020d", u.AccountID, u.Seq) }

type dataPoint struct {
	Seq           int64   `json:"seq"`
	AppID         int64   `json:"app_id"`
	Name          string  `json:"name"`
	AttributeName *string `json:"attribute_name"`
	Type          string  `json:"type"`
	EventType     *string `json:"event_type"`
	CreatedOn     string  `json:"created_on"`
}

func (d *dataPoint) key() string { return fmt.Sprintf("dp/%020d/%020d", d.AppID, d.Seq) }

// naturalKey is the DataPoint's identity: type + name + attribute_name +
// event_type.
func (d *dataPoint) naturalKey() string {
	return dpKey(d.Type, d.Name, strOrEmpty(d.AttributeName), strOrEmpty(d.EventType))
}

func dpKey(typ, name, attr, eventType string) string {
	return strings.Join([]string{typ, name, attr, eventType}, "\x1f")
}

// filterSet is the filtering of one app for one service: the
// service-level default, every DataPoint's explicit switch, and the switches
// that are not DataPoints (EventType, All_*), keyed "type\x1fname".
type filterSet struct {
	AppID    int64           `json:"app_id"`
	Service  string          `json:"service"`
	SendNew  bool            `json:"send_new_data_points_by_default"`
	Enabled  map[string]bool `json:"enabled"`
	Switches map[string]bool `json:"switches"`
}

func (f *filterSet) key() string {
	return fmt.Sprintf("filter/%020d/%s", f.AppID, strings.ToLower(f.Service))
}

// caBookKey is where a workspace's calculated attributes are stored.
func caBookKey(workspaceID int64) string { return idKey("ca", workspaceID) }

// storedBook is a workspace's calculated attributes with the key they are
// stored under; it encodes as the book.
type storedBook struct {
	workspaceID int64
	book        *calcattr.Book
}

func (b storedBook) key() string { return caBookKey(b.workspaceID) }

func (b storedBook) MarshalJSON() ([]byte, error) { return json.Marshal(b.book) }

// tokenRecord is an issued token, stored under the SHA-256 of the token so
// the store never holds a usable token.
type tokenRecord struct {
	ClientID  string `json:"client_id"`
	ExpiresAt int64  `json:"expires_at"` // unix nanoseconds
}

func strOrEmpty(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func pointerTo[T any](v T) *T { return &v }

// ---- views: entities as the API shows them ----

type accountView struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	CreatedOn      string `json:"created_on"`
	LastModifiedOn string `json:"last_modified_on"`
	DataType       string `json:"data_type"`
}

func (a *account) view() accountView {
	return accountView{a.ID, a.Name, a.CreatedOn, a.LastModifiedOn, "account"}
}

type appView struct {
	ID             int64          `json:"id"`
	Name           string         `json:"name"`
	Platforms      []platformView `json:"platforms"`
	CreatedOn      string         `json:"created_on"`
	LastModifiedOn string         `json:"last_modified_on"`
	DataType       string         `json:"data_type"`
}

// view shows the app; secrets maps an OS to the secret to show for it
// (create responses only).
func (a *app) view(secrets map[string]string) appView {
	ps := make([]platformView, 0, len(a.Platforms))
	for _, p := range a.Platforms {
		ps = append(ps, p.view(a.ID, secrets[p.OS]))
	}
	return appView{a.ID, a.Name, ps, a.CreatedOn, a.LastModifiedOn, "application"}
}

type platformView struct {
	ApplicationID        int64           `json:"application_id"`
	OS                   string          `json:"os"`
	AccessKeys           []accessKeyView `json:"access_keys"`
	CrashHandling        *string         `json:"crash_handling"`
	NetworkPerformance   *string         `json:"network_performance"`
	SocialMode           *string         `json:"social_mode"`
	ProfileMerging       bool            `json:"profile_merging"`
	PushAttributionTimer int64           `json:"push_attribution_timer"`
	CreatedOn            string          `json:"created_on"`
	LastModifiedOn       string          `json:"last_modified_on"`
	DataType             string          `json:"data_type"`
}

type accessKeyView struct {
	Key      string  `json:"key"`
	Secret   *string `json:"secret"`
	DataType string  `json:"data_type"`
}

// view shows the platform; secret is "" except in create responses.
func (p *platform) view(appID int64, secret string) platformView {
	k := accessKeyView{Key: p.AccessKey, DataType: "token"}
	if secret != "" {
		k.Secret = &secret
	}
	return platformView{appID, p.OS, []accessKeyView{k}, p.CrashHandling, p.NetworkPerformance, p.SocialMode,
		p.ProfileMerging, p.PushAttributionTimer, p.CreatedOn, p.LastModifiedOn, "platform"}
}

type serviceConfigView struct {
	Account   string              `json:"account"`
	Name      string              `json:"name"`
	IsActive  bool                `json:"isActive"`
	IsVisible bool                `json:"isVisible"`
	Settings  []configSettingView `json:"settings"`
	DataType  string              `json:"data_type"`
}

type configSettingView struct {
	Name           string  `json:"name"`
	Value          *string `json:"value"`
	IsConfidential bool    `json:"isConfidential"`
}

// view shows a configuration with confidential values masked.
func (c *serviceConfig) view(svc *service) serviceConfigView {
	ss := make([]configSettingView, 0, len(c.Settings))
	for _, st := range c.Settings {
		conf := svc != nil && svc.setting(st.Name) != nil && svc.setting(st.Name).Confidential
		v := st.Value
		if conf && v != nil {
			v = pointerTo(maskSecret(*v))
		}
		ss = append(ss, configSettingView{st.Name, v, conf})
	}
	return serviceConfigView{c.Account, c.Name, c.IsActive, c.IsVisible, ss, "service"}
}

// maskSecret replaces all but the last four characters with '*' ("My Test App
// Key" → "*********** Key"); values of four characters or fewer are masked
// entirely (docs/inconsistencies.md: masking).
func maskSecret(v string) string {
	r := []rune(v)
	keep := 4
	if len(r) <= keep {
		keep = 0
	}
	return strings.Repeat("*", len(r)-keep) + string(r[len(r)-keep:])
}

type serviceView struct {
	Name     string               `json:"name"`
	Settings []serviceSettingView `json:"settings"`
	DataType string               `json:"data_type"`
}

type serviceSettingView struct {
	IsRequired  bool   `json:"is_required"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Type        string `json:"type"`
}

func (s *service) view() serviceView {
	ss := make([]serviceSettingView, 0, len(s.Settings))
	for _, st := range s.Settings {
		ss = append(ss, serviceSettingView{st.IsRequired, st.Name, st.Description, st.Type})
	}
	return serviceView{s.Name, ss, "service"}
}

// setting finds a catalogue setting by name, case-insensitively.
func (s *service) setting(name string) *serviceSetting {
	for i := range s.Settings {
		if strings.EqualFold(s.Settings[i].Name, name) {
			return &s.Settings[i]
		}
	}
	return nil
}

type workspaceView struct {
	ID        string `json:"id"` // a string in the list
	Name      string `json:"name"`
	DataType  string `json:"data_type"`
	CreatedOn string `json:"created_on"`
}

func (w *workspace) view() workspaceView {
	return workspaceView{strconv.FormatInt(w.ID, 10), w.Name, "workspace", w.CreatedOn}
}

type workspaceRefView struct {
	ID        int64  `json:"id"` // an int inside audiences
	Name      string `json:"name"`
	DataType  string `json:"data_type"`
	CreatedOn string `json:"created_on"`
}

type audienceView struct {
	ID                 int64                 `json:"id"`
	Name               string                `json:"name"`
	ExternalName       string                `json:"external_name"`
	Size               int64                 `json:"size"`
	CreatedBy          string                `json:"created_by"`
	LastModifiedBy     string                `json:"last_modified_by"`
	LastModifiedOn     string                `json:"last_modified_on"`
	IsCalculated       bool                  `json:"is_calculated"`
	AddedLast24Hours   int64                 `json:"added_last_24_hours"`
	DroppedLast24Hours int64                 `json:"dropped_last_24_hours"`
	Status             string                `json:"status"`
	Workspaces         []workspaceRefView    `json:"workspaces"`
	ConnectedOutputs   []connectedOutputView `json:"connected_outputs"`
	DataType           string                `json:"data_type"`
}

type connectedOutputView struct {
	ProviderName   string         `json:"provider_name"`
	Configurations []outputConfig `json:"configurations"`
	DataType       string         `json:"data_type"`
}

func (a *audience) view(st *state) audienceView {
	ws := make([]workspaceRefView, 0, len(a.Workspaces))
	for _, id := range a.Workspaces {
		if w := st.workspaces.get(id); w != nil {
			ws = append(ws, workspaceRefView{w.ID, w.Name, "workspace", w.CreatedOn})
		}
	}
	outs := make([]connectedOutputView, 0, len(a.ConnectedOutputs))
	for _, o := range a.ConnectedOutputs {
		cs := o.Configurations
		if cs == nil {
			cs = []outputConfig{}
		}
		outs = append(outs, connectedOutputView{o.ProviderName, cs, "audience_output"})
	}
	return audienceView{a.ID, a.Name, a.ExternalName, a.Size, a.CreatedBy, a.LastModifiedBy, a.LastModifiedOn,
		a.IsCalculated, a.AddedLast24Hours, a.DroppedLast24Hours, a.Status, ws, outs, "audience"}
}

type feedSummaryView struct {
	ID        string `json:"id"` // a string in the workspace list
	Name      string `json:"name"`
	DataType  string `json:"data_type"`
	CreatedOn string `json:"created_on"`
}

type feedView struct {
	ID         int64     `json:"id"`
	ModuleName string    `json:"module_name"`
	Name       string    `json:"name"`
	OS         string    `json:"os"`
	IsDebug    bool      `json:"is_debug"`
	Settings   []setting `json:"settings"`
	DataType   string    `json:"data_type"`
}

func (f *feed) view() feedView {
	ss := f.Settings
	if ss == nil {
		ss = []setting{}
	}
	return feedView{f.ID, f.ModuleName, f.Name, f.OS, f.IsDebug, ss, "Partner Feed"}
}

// createdView is the body of feed and subscription writes.
type createdView struct {
	DataType  string `json:"data_type"`
	ID        int64  `json:"id"`
	CreatedOn string `json:"created_on"`
}

type serviceConfigurationView struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	DataType  string `json:"data_type"`
	CreatedOn string `json:"created_on"`
}

type subscriptionView struct {
	ID                     int64     `json:"id"`
	ServiceConfigurationID int64     `json:"service_configuration_id"`
	ConfigName             string    `json:"config_name"`
	IsActive               bool      `json:"is_active"`
	Settings               []setting `json:"settings"`
	DataType               string    `json:"data_type"`
	CreatedOn              string    `json:"created_on"`
}

type userView struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
	DataType  string `json:"data_type"`
}

func (u *user) view() userView { return userView{u.FirstName, u.LastName, u.Email, "user"} }

type dataPointView struct {
	Name          string  `json:"name"`
	AttributeName *string `json:"attribute_name"`
	Type          string  `json:"type"`
	EventType     *string `json:"event_type"`
	DataType      string  `json:"data_type"`
	CreatedOn     string  `json:"created_on"`
}

func (d *dataPoint) view() dataPointView {
	return dataPointView{d.Name, d.AttributeName, d.Type, d.EventType, "datapoint", d.CreatedOn}
}

type filterView struct {
	Name          string  `json:"name"`
	AttributeName *string `json:"attribute_name"`
	Type          string  `json:"type"`
	EventType     *string `json:"event_type"`
	Enabled       bool    `json:"enabled"`
	DataType      string  `json:"data_type"`
	CreatedOn     string  `json:"created_on"`
}

// filterEchoView is one filter in the bare array a filter update returns:
// canonical casing, no data_type or created_on.
type filterEchoView struct {
	Name          string  `json:"name"`
	AttributeName *string `json:"attribute_name"`
	Type          string  `json:"type"`
	EventType     *string `json:"event_type"`
	Enabled       bool    `json:"enabled"`
}

type serviceFilteringView struct {
	Name                       string `json:"name"`
	SendNewDataPointsByDefault bool   `json:"sendNewDataPointsByDefault"`
}
