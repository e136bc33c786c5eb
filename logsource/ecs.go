package logsource

import (
	"maps"
	"slices"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// ECSOSTypes maps ECS host.os.type to the SigmaHQ product.
var ECSOSTypes = map[string]string{"windows": "windows", "linux": "linux", "macos": "macos"}

// ECSCategories maps each ECS event.category value to the SigmaHQ
// categories its events can be; nil means the value does not tell (an
// intrusion-detection alert can be about anything). A value ECS does not
// define reveals nothing either.
var ECSCategories = map[string][]string{
	"api":            none,
	"authentication": none,
	"configuration":  none,
	"database":       cats("database"),
	"driver":         cats("driver_load"),
	"email":          none,
	"file": cats("file_event", "file_change", "file_delete", "file_rename", "file_access",
		"file_executable_detected", "file_block", "file_block_executable", "file_block_shredding",
		"file_delete_detected", "create_stream_hash"),
	"host":                none,
	"iam":                 none,
	"intrusion_detection": nil,
	"library":             cats("image_load"),
	"malware":             cats("antivirus"),
	"network":             cats("network_connection", "dns_query", "dns", "firewall", "proxy", "webserver"),
	"package":             none,
	"process": cats("process_creation", "process_termination", "process_access",
		"create_remote_thread", "process_tampering", "raw_access_thread"),
	"registry":      cats("registry_add", "registry_delete", "registry_event", "registry_set", "registry_rename"),
	"session":       none,
	"threat":        nil,
	"vulnerability": none,
	"web":           cats("webserver", "proxy"),
}

// ecsIndex fills the product from host.os.type and the category from
// event.category (a string or an array, whose sets are united; an array of
// more than two distinct sets reveals nothing).
type ecsIndex struct {
	osType, category *sigma.Field
	products         map[string]setID
	categories       map[string]setID
	unions           map[[2]setID]setID
}

func (r *Recognizer) compileECS() {
	x := &r.ecs
	x.osType = r.field("host.os.type")
	x.category = r.field("event.category")
	x.products = map[string]setID{}
	for _, osType := range slices.Sorted(maps.Keys(ECSOSTypes)) {
		x.products[osType] = r.products.intern(OneOf(ECSOSTypes[osType]))
	}
	x.categories = map[string]setID{}
	var base []setID
	for _, value := range slices.Sorted(maps.Keys(ECSCategories)) {
		names := ECSCategories[value]
		id := unknownSet
		if names != nil {
			id = r.categories.intern(OneOf(names...))
			base = append(base, id)
		}
		x.categories[value] = id
	}
	slices.Sort(base)
	base = slices.Compact(base)
	x.unions = map[[2]setID]setID{}
	for i, a := range base {
		for _, b := range base[i+1:] {
			x.unions[[2]setID{a, b}] = r.categories.union(a, b)
		}
	}
}

func (x *ecsIndex) fill(ev sigma.Event, k Key) Key {
	if k.product == unknownSet {
		if v := ev.Field(x.osType); v.Kind == sigma.KindString {
			text, _ := folded(&v)
			k.product = x.products[text]
		}
	}
	if k.category == unknownSet {
		k.category = x.categoryOf(ev.Field(x.category))
	}
	return k
}

func (x *ecsIndex) categoryOf(v sigma.Value) setID {
	switch v.Kind {
	case sigma.KindString:
		text, _ := folded(&v)
		return x.categories[text]
	case sigma.KindArray:
		id := unknownSet
		for i := range v.Items {
			item := &v.Items[i]
			if item.Kind != sigma.KindString {
				return unknownSet
			}
			text, _ := folded(item)
			next, ok := x.categories[text]
			if !ok || next == unknownSet {
				return unknownSet
			}
			switch {
			case i == 0 || id == next:
				id = next
			case id < next:
				id = x.unions[[2]setID{id, next}]
			default:
				id = x.unions[[2]setID{next, id}]
			}
			if id == unknownSet {
				return unknownSet
			}
		}
		return id
	}
	return unknownSet
}
