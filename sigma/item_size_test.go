package sigma

import (
	"testing"
	"unsafe"
)

// A large rule set compiles ~100k item nodes (SigmaHQ grown 10 times), most
// of them field items that need their plan, field, item and cross-rule
// binding only: the bindings of keyword and fieldref items stay behind one
// pointer, so that a node fits the 48-byte size class (it was 96).
func TestItemNodeFitsFortyEightBytes(t *testing.T) {
	if size := unsafe.Sizeof(itemNode{}); size > 48 {
		t.Fatalf("itemNode is %d bytes, want at most 48", size)
	}
}

// An item plan (~84k at 10 times SigmaHQ) holds its matchers and flags; a
// fieldref item's names are its values, read when the node is bound, so
// that a plan fits the 32-byte size class (it was 64).
func TestItemPlanFitsThirtyTwoBytes(t *testing.T) {
	if size := unsafe.Sizeof(itemPlan{}); size > 32 {
		t.Fatalf("itemPlan is %d bytes, want at most 32", size)
	}
}
