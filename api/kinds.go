package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// kinds is every documented entity kind, in the order the palette lists
// them. Where the reference contradicts itself the paths follow the
// decisions recorded in docs/client.md ("Decisions on the reference's
// inconsistencies"):
//   - /workspace (v1, singular) and /workspaces (v2, plural) exactly as
//     documented;
//   - platforms are created with POST /apps/{app}, apps with POST /apps;
//   - delete account is DELETE /accounts?accountId={id}; get and update of
//     an account send accountId equal to the path id;
//   - service filtering is updated at /apps/{app}/{service} as the heading
//     says, not at the /datapoints URL of the reference's example;
//   - feeds are updated at /workspace/{workspace}/partnerfeeds/{id};
//   - feed subscriptions are listed and created under the feed id,
//     /partnerfeeds/{feed}/subscriptions;
//   - platform path segments are lower-cased OS names;
//   - users are addressed by EncodeUserID(email); the hidden create and
//     delete user endpoints are not offered;
//   - no kind has an operation the reference does not document (no
//     single audience GET, no workspace GET, no subscription update, no
//     service configuration delete).
//
// A kind's operations are not declared: newCatalog derives them from its
// Paths (see Descriptor.Ops).
func kinds() []*Descriptor {
	ks := []*Descriptor{
		{
			Name: "accounts", Singular: "account", Title: "Accounts", Aliases: []string{"acc", "acct"},
			DataType: "account",
			Paths: Paths{
				List:   []string{"/accounts"},
				Get:    "/accounts/{id}?accountId={id}",
				Create: Endpoint{http.MethodPost, "/accounts"},
				Update: Endpoint{http.MethodPut, "/accounts/{id}?accountId={id}"},
				Delete: "/accounts?accountId={id}",
			},
			Columns: []Column{col("ID", 8, field("id")), col("NAME", 0, field("name")),
				col("CREATED", 16, when("created_on")), col("MODIFIED", 16, when("last_modified_on"))},
			// Accounts the credential can reach. Delete takes the account id as accountId (no id in the path).
			Help: "The accounts your credentials can reach.",

			DeleteByName: true, NamesAccount: true,
		},
		{
			Name: "apps", Singular: "app", Title: "Apps", Aliases: []string{"application", "applications"},
			DataType: "application", DataTypes: []string{"app"}, Key: "app",
			Paths: Paths{
				List:   []string{"/apps"},
				Get:    "/apps/{id}",
				Create: Endpoint{http.MethodPost, "/apps"},
				Update: Endpoint{http.MethodPut, "/apps/{id}"},
				Delete: "/apps/{id}",
			},
			Columns: []Column{col("ID", 8, field("id")), col("NAME", 0, field("name")),
				col("PLATFORMS", 24, pluck("platforms", "os")),
				col("CREATED", 16, when("created_on")), col("MODIFIED", 16, when("last_modified_on"))},
			Children: []string{"platforms", "datapoints"},
			// Apps (application families). Create takes a name and at least one platform; access-key secrets are returned only then.
			Help: "Your apps: each groups the platforms (iOS, Android, web, …) that send data.",

			DeleteByName: true, Secrets: accessKeySecrets,
		},
		{
			Name: "platforms", Singular: "platform", Title: "Platforms", Aliases: []string{"plat", "pf", "appplatforms"},
			DataType: "platform", Parent: "apps", Key: "platform",
			Paths: Paths{
				List:   []string{"/apps/{app}/platforms"},
				Get:    "/apps/{app}/platforms/{id}",
				Create: Endpoint{http.MethodPost, "/apps/{app}"},
				Update: Endpoint{http.MethodPut, "/apps/{app}/platforms/{id}"},
				Delete: "/apps/{app}/platforms/{id}",
			},
			Columns: []Column{col("OS", 10, field("os")), col("ACCESS KEY", 0, pluck("access_keys", "key")),
				col("CRASH HANDLING", 14, field("crash_handling")), col("NETWORK PERF", 12, field("network_performance")),
				col("SOCIAL", 18, field("social_mode")), col("MERGING", 7, yesno("profile_merging")),
				col("PUSH TIMER", 10, field("push_attribution_timer")), col("MODIFIED", 16, when("last_modified_on"))},
			Children: []string{"serviceconfigs"},
			id:       func(f fields) string { return strings.ToLower(fstr(f, "os")) },
			name:     ffield("os"),
			// An app's platforms, keyed by lower-case OS (the path segment). Create is POST /apps/{app} (sic).
			Help: "The platforms of an app (iOS, Android, web, …), with their access keys and settings.",

			Secrets: accessKeySecrets,
		},
		{
			Name: "serviceconfigs", Singular: "serviceconfig", Title: "Service configurations",
			Aliases:  []string{"serviceconfigurations", "serviceconfiguration", "configs", "config", "sc", "forwarders", "platformservices"},
			DataType: "service", Parent: "platforms", Key: "service",
			Paths: Paths{
				List:   []string{"/apps/{app}/platforms/{platform}/services"},
				Create: Endpoint{http.MethodPut, "/apps/{app}/platforms/{platform}/services"},
				Update: Endpoint{http.MethodPut, "/apps/{app}/platforms/{platform}/services"},
			},
			Columns: []Column{col("SERVICE", 0, field("name")), col("ACCOUNT", 18, func(o object) string { return accountLabel(str(o, "account")) }),
				col("ACTIVE", 6, yesno("isActive")), col("VISIBLE", 7, yesno("isVisible")), col("SETTINGS", 8, count("settings"))},
			Children: []string{"filters", "servicefiltering"},
			id:       serviceConfigKey,
			keyValue: func(e Entity) string { return serviceNameOf(e) },
			// Forwarding configurations of a platform, keyed by service name/account label. Create and update are one PUT on the collection (an upsert); there is no delete: set isActive false.
			Help: "Where a platform forwards its data: one per connected service. Switch one off to stop it; they cannot be deleted.",
		},
		{
			Name: "services", Singular: "service", Title: "Services", Aliases: []string{"catalog", "catalogue", "integrations", "svc"},
			DataType: "service", Key: "service",
			Paths: Paths{
				List: []string{"/services"},
				Get:  "/services/{id}",
			},
			Columns: []Column{col("NAME", 0, field("name")), col("SETTINGS", 8, count("settings")),
				col("REQUIRED", 40, requiredSettings)},
			id: ffield("name"),
			// The service catalogue: every integration and its settings (is_required, type).
			Help: "Every integration data can be forwarded to, and the settings each one needs.",
		},
		{
			Name: "audiences", Singular: "audience", Title: "Audiences", Aliases: []string{"aud", "auds"},
			DataType: "audience", Parent: "workspaces",
			Paths: Paths{
				List:   []string{"/workspace/{workspace}/audiences", "/audiences"},
				Delete: "/audiences/{id}",
			},
			Columns: []Column{col("ID", 8, field("id")), col("NAME", 0, field("name")), col("SIZE", 8, field("size")),
				col("+24H", 6, field("added_last_24_hours")), col("-24H", 6, field("dropped_last_24_hours")),
				col("STATUS", 8, field("status")), col("WORKSPACES", 20, pluck("workspaces", "name")),
				col("OUTPUTS", 20, pluck("connected_outputs", "provider_name")), col("MODIFIED", 16, when("last_modified_on"))},
			// Active audiences: account-wide, or the single-workspace ones of a workspace. The API has no single GET (found in the list), no create, no update.
			Help: "Audiences of the account or of a workspace: their size, and where they are sent.",
			// Sizes move as users qualify and drop out.
			Refresh: 15 * time.Second,
		},
		{
			Name: "workspaces", Singular: "workspace", Title: "Workspaces", Aliases: []string{"ws"},
			DataType: "workspace", Key: "workspace",
			Paths: Paths{
				List: []string{"/workspace"},
			},
			Columns:  []Column{col("ID", 8, field("id")), col("NAME", 0, field("name")), col("CREATED", 16, when("created_on"))},
			Children: []string{"audiences", "feeds", "calculatedattributes", "outputs", "plans"},
			// Workspaces of the account (list only; ids arrive as strings).
			Help: "The account's workspaces: audiences, feeds and calculated attributes live in them.",
		},
		{
			Name: "feeds", Singular: "feed", Title: "Feeds", Aliases: []string{"partnerfeeds", "partnerfeed", "inputs"},
			DataType: "partner_feed", DataTypes: []string{"Partner Feed"}, Parent: "workspaces", Key: "feed",
			Paths: Paths{
				List:   []string{"/workspace/{workspace}/partnerfeeds"},
				Get:    "/partnerfeeds/{id}",
				Create: Endpoint{http.MethodPost, "/workspace/{workspace}/partnerfeeds"},
				Update: Endpoint{http.MethodPut, "/workspace/{workspace}/partnerfeeds/{id}"},
			},
			// The list answer carries only these: module, os and debug come
			// with the get, and show in a feed's inspector.
			Columns:  []Column{col("ID", 8, field("id")), col("NAME", 0, field("name")), col("CREATED", 16, when("created_on"))},
			Children: []string{"subscriptions"},
			// Partner (input) feeds of a workspace. The list carries id, name and creation time; get adds module, os, debug and settings. No delete exists.
			Help: "Data coming into a workspace from partners.",
		},
		{
			Name: "outputs", Singular: "output", Title: "Output configurations",
			Aliases:  []string{"outputconfigs", "outputconfigurations", "outputconfiguration", "oc"},
			DataType: "Service Configuration", Parent: "workspaces",
			Paths: Paths{
				List: []string{"/workspace/{workspace}/{module}/serviceconfigurations"},
			},
			Columns: []Column{col("ID", 8, field("id")), col("NAME", 0, field("name")), col("CREATED", 16, when("created_on"))},
			Pick:    map[string]string{"module": "services"},
			// Output configurations of one module in a workspace (give --parent module=NAME, e.g. indicative; the console asks for the module from the services): the targets a feed subscription points to.
			Help: "Where a workspace sends data, for one service (pick the service first): what feeds subscribe to.",
		},
		{
			Name: "subscriptions", Singular: "subscription", Title: "Feed subscriptions",
			Aliases:  []string{"subs", "sub", "feedsubscriptions", "feedsubscription"},
			DataType: "Partner Feed Subscription", DataTypes: []string{"PartnerFeed Subscription"}, Parent: "feeds",
			Paths: Paths{
				List:   []string{"/partnerfeeds/{feed}/subscriptions"},
				Create: Endpoint{http.MethodPost, "/partnerfeeds/{feed}/subscriptions"},
			},
			Columns: []Column{col("ID", 8, field("id")), col("OUTPUT", 0, field("config_name")),
				col("OUTPUT ID", 10, field("service_configuration_id")), col("ACTIVE", 6, yesno("is_active")),
				col("SETTINGS", 8, count("settings")), col("CREATED", 16, when("created_on"))},
			name: ffield("config_name"),
			// Subscriptions of a feed to output configurations (the path segment is read as the feed id). List and create only.
			Help: "The outputs a feed sends its data to.",
		},
		{
			Name: "users", Singular: "user", Title: "Users", Aliases: []string{"usr"},
			DataType: "user",
			Paths: Paths{
				List: []string{"/users"},
				Get:  "/users/{id}",
			},
			Columns: []Column{col("EMAIL", 0, field("email")), col("FIRST NAME", 14, field("first_name")),
				col("LAST NAME", 14, field("last_name")), col("ID", 30, func(o object) string { return EncodeUserID(str(o, "email")) }),
				{Title: "CUSTOM ROLE", Width: 16, get: field("email"), note: true}},
			id:         func(f fields) string { return EncodeUserID(fstr(f, "email")) },
			name:       ffield("email"),
			HoldsRoles: true,
			// People with access to the account; the id is the email with every byte outside [A-Za-z0-9] as two hex digits (test40mparticle2Ecom). CUSTOM ROLE is only known from the sandbox (heldroles.go).
			Help: "The people with access to the account. Their custom roles are assigned in the dashboard; only the sandbox shows them.",
		},
		{
			Name: "datapoints", Singular: "datapoint", Title: "Data points", Aliases: []string{"dp", "dps"},
			DataType: "datapoint", Parent: "apps",
			BodyArray: true,
			Paths: Paths{
				List:   []string{"/apps/{app}/datapoints"},
				Create: Endpoint{http.MethodPut, "/apps/{app}/datapoints"},
			},
			Columns: []Column{col("TYPE", 19, field("type")), col("NAME", 0, field("name")),
				col("ATTRIBUTE", 20, field("attribute_name")), col("EVENT TYPE", 16, field("event_type")),
				col("CREATED", 16, when("created_on"))},
			id:   dataPointKey,
			name: dataPointName,
			// Data points of an app, keyed type/name/attribute/event type. Adding is a PUT of an array.
			Help: "The events and attributes an app has sent, one data point each.",
			// New ones appear as the app sends data; the list can be long, so less often.
			Refresh: time.Minute,
		},
		{
			Name: "filters", Singular: "filter", Title: "Data point filters",
			Aliases:  []string{"datapointfilters", "datapointfilter", "dpf"},
			DataType: "datapoint", Parent: "serviceconfigs",
			BodyArray: true,
			Paths: Paths{
				List:   []string{"/apps/{app}/{service}/datapoints"},
				Update: Endpoint{http.MethodPut, "/apps/{app}/{service}/datapoints"},
			},
			Columns: []Column{col("TYPE", 19, field("type")), col("NAME", 0, field("name")),
				col("ATTRIBUTE", 20, field("attribute_name")), col("EVENT TYPE", 16, field("event_type")),
				col("ENABLED", 7, yesno("enabled"))},
			id:   dataPointKey,
			name: dataPointName,
			// Which data points an app sends to one service (per app and service name, no platform). Updates are a PUT of an array.
			Help: "Which of an app's data points reach a service, switched on or off one by one.",
		},
		{
			Name: "servicefiltering", Singular: "servicefilter", Title: "Service filtering",
			Aliases:  []string{"filtering", "sendnew"},
			DataType: "datapoint", Parent: "serviceconfigs", Single: true,
			Paths: Paths{
				Get:    "/apps/{app}/{service}",
				Update: Endpoint{http.MethodPut, "/apps/{app}/{service}"},
			},
			Columns: []Column{col("SERVICE", 0, field("name")), col("SEND NEW BY DEFAULT", 19, yesno("sendNewDataPointsByDefault"))},
			id:      ffield("name"),
			// Whether newly seen data points go to the service by default (sendNewDataPointsByDefault), per app and service.
			Help: "Whether data points seen for the first time go to a service by default.",
		},
		{
			Name: "calculatedattributes", Singular: "calculatedattribute", Title: "Calculated attributes",
			Aliases: []string{"ca", "cas", "calcattrs"},
			Version: V2, Parent: "workspaces", Key: "ca",
			Paths: Paths{
				List:   []string{"/workspaces/{workspace}/calculatedattributes"},
				Get:    "/workspaces/{workspace}/calculatedattributes/{id}",
				Create: Endpoint{http.MethodPost, "/workspaces/{workspace}/calculatedattributes"},
				Update: Endpoint{http.MethodPut, "/workspaces/{workspace}/calculatedattributes/{id}"},
				Delete: "/workspaces/{workspace}/calculatedattributes/{id}",
				Exists: "/workspaces/{workspace}/calculatedattributes",
			},
			Columns: []Column{col("ID", 8, field("id")), col("NAME", 0, field("name")), col("STATE", 12, caState),
				col("CALCULATION", 16, caCalcType), col("AUDIENCES", 9, field("audience_count")),
				col("MODIFIED", 16, when("last_modified_on"))},
			Children: []string{"activation", "calculation"},
			Actions: []Action{
				{Name: "activate", Title: "Activate", Method: http.MethodPost, Mutates: true,
					Path:        "/workspaces/{workspace}/calculatedattributes/{id}/activation",
					Help:        "Make the draft the active definition and start calculating.",
					Unavailable: caNeedsDraft("no draft definition to activate: edit the attribute to write one")},
				{Name: "discard-draft", Title: "Discard draft", Method: http.MethodDelete, Mutates: true,
					Path:        "/workspaces/{workspace}/calculatedattributes/{id}/draft",
					Help:        "Throw the draft definition away.",
					Unavailable: caNeedsDraft("no draft definition to discard")},
				{Name: "activation-status", Title: "Activation status", Method: http.MethodGet,
					Path: "/workspaces/{workspace}/calculatedattributes/{id}/activation"},
				{Name: "calculation-status", Title: "Calculation status", Method: http.MethodGet,
					Path: "/workspaces/{workspace}/calculatedattributes/{id}/calculation"},
			},
			// Calculated attributes of a workspace (v2: no accountId, no envelope). Updates write the draft; activate makes it live.
			Help: "Values computed per user from their events. Edits stay a draft until activated.",
			// State and audience counts move with activations and calculations.
			Refresh: 15 * time.Second,
		},
		{
			Name: "activation", Singular: "caactivation", Title: "Activation status",
			Aliases: []string{"activations", "activationstatus"},
			Version: V2, Parent: "calculatedattributes", Single: true,
			Paths: Paths{
				Get: "/workspaces/{workspace}/calculatedattributes/{ca}/activation",
			},
			Columns: []Column{col("CA", 8, field("calculated_attribute_id")), col("ACTIVE", 6, yesno("is_active")),
				col("ACTIVATED ON", 16, when("activated_on")), col("ACTIVATED BY", 0, field("activated_by"))},
			id:   ffield("calculated_attribute_id"),
			name: func(f fields) string { return "activation of " + fstr(f, "calculated_attribute_id") },
			// Whether a calculated attribute is active, since when and by whom.
			Help:    "Whether a calculated attribute is live, since when and by whom.",
			Refresh: 15 * time.Second,
		},
		{
			Name: "calculation", Singular: "calculation", Title: "Calculation status",
			Aliases: []string{"calculations", "calculationstatus"},
			Version: V2, Parent: "calculatedattributes", Single: true,
			Paths: Paths{
				Get: "/workspaces/{workspace}/calculatedattributes/{ca}/calculation",
			},
			Columns: []Column{col("ID", 8, field("id")), col("NAME", 0, field("name")), col("REVISION", 8, field("revision_id")),
				col("DONE", 5, yesno("is_calculated")), col("PERCENT", 7, field("calculation_percent_complete")),
				col("ESTIMATED COMPLETION", 20, when("estimated_completion_time"))},
			// How far the calculation of a calculated attribute's active revision has got.
			Help: "How far the calculation of a calculated attribute has got.",
			// A calculation runs for minutes: watched more closely.
			Refresh: 10 * time.Second,
		},
	}
	// The Data Planning API (dataplans.go) and the Custom Access Roles API
	// (roles.go): their own answer shapes, on the v2 base.
	ks = append(ks, planKinds()...)
	return append(ks, roleKinds()...)
}

func requiredSettings(o object) string {
	var out []string
	for x := range o.get("settings").elems {
		if x.kind() == '{' && x.get("is_required").kind() == 't' {
			out = append(out, text(x.get("name")))
		}
	}
	return strings.Join(out, ", ")
}

// caState summarises a calculated attribute's lifecycle: draft only,
// active, or active with a pending draft.
func caState(o object) string {
	active := o.get("active_definition").present()
	draft := o.get("draft_definition").present()
	switch {
	case active && draft:
		return "active+draft"
	case active:
		return "active"
	case draft:
		return "draft"
	}
	return "no definition" // never activated and its draft discarded
}

// caNeedsDraft makes an action unavailable, saying why, on a calculated
// attribute with no draft definition: activation copies the draft into the
// active definition (a CA without one gets "No draft definition was found
// to activate."), and discarding a draft that is not there changes nothing.
func caNeedsDraft(why string) func(json.RawMessage) string {
	return func(raw json.RawMessage) string {
		if !decodeFields(bytes.TrimSpace(raw)).get("draft_definition").present() {
			return why
		}
		return ""
	}
}

func caCalcType(o object) string {
	if s := path("active_definition", "calculation_type")(o); s != "" {
		return s
	}
	return path("draft_definition", "calculation_type")(o)
}

// serviceNameOf is a service configuration's service name (the {service}
// its children's paths take).
func serviceNameOf(e Entity) string {
	return fstr(decodeFields(bytes.TrimSpace(e.Raw)), "name")
}

// serviceConfigKey is a service configuration's natural key, service name
// and account label, by which the PUT on the collection upserts.
func serviceConfigKey(f fields) string {
	if fstr(f, "name") == "" {
		return ""
	}
	return joinKey(fstr(f, "name"), accountLabel(fstr(f, "account")))
}

// accessKeySecrets are the access-key secrets an app's or a platform's
// create returns, once.
var accessKeySecrets = &OnceSecrets{In: "access_keys", Secret: "secret", Label: "key", Context: "os"}
