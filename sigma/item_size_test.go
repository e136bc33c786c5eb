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
