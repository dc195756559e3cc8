package sandbox

import (
	"strings"
)

// The documented enumerations. Requests may use any letter case (the
// reference sends "android", "event", "eventattribute"); the sandbox stores
// and returns the canonical spelling (docs/inconsistencies.md: enum casing).
var (
	osValues          = []string{"iOS", "tvOS", "Android", "MobileWeb", "Roku", "Alexa", "SmartTV", "FireTV", "Xbox"}
	feedOSValues      = append(append([]string{}, osValues...), "Unknown")
	crashValues       = []string{"AppDefined", "ForceCatch", "ForceIgnore"}
	networkValues     = []string{"AppDefined", "ForceTrue", "ForceFalse"}
	socialValues      = []string{"AppDefined", "Facebook", "Twitter", "FacebookAndTwitter"}
	dataPointTypes    = []string{"Event", "EventAttribute", "UserAttribute", "ScreenView", "ScreenViewAttribute", "Identity", "Commerce", "CommerceAttribute"}
	eventTypes        = []string{"unknown", "navigation", "location", "search", "transaction", "user_content", "user_preference", "social", "other", "media"}
	commerceTypes     = []string{"product_add_to_cart", "product_remove_from_cart", "product_checkout", "product_checkout_option", "product_click", "product_view_detail", "product_purchase", "product_refund", "promotion_view", "promotion_click"}
	filterSwitchTypes = []string{"EventType", "All_User_Attributes", "All_Workspace_User_Attributes", "All_Account_User_Attributes"} // not DataPoints
	identityNames     = []string{"CustomerId", "Facebook", "Twitter", "Google", "Microsoft", "Yahoo", "Email", "Other"}
	settingMapTypes   = []string{"EventAttributeClass.Name", "UserAttributeClass.Name", "ProductAttributeClass.Name"}
)

// canonical returns the enum value equal to s ignoring case.
func canonical(values []string, s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, v := range values {
		if strings.EqualFold(v, s) {
			return v, true
		}
	}
	return "", false
}

// isChildType reports whether a DataPoint type is an attribute of a parent
// event (name = parent, attribute_name = the attribute).
func isChildType(t string) bool {
	return t == "EventAttribute" || t == "ScreenViewAttribute" || t == "CommerceAttribute"
}
