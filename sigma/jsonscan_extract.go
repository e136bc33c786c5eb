package sigma

// The single-pass extractor: one walk over a JSON document that validates
// all of it and records, for every field of a FieldTable, where its value(s)
// lie. Keys are matched against a trie of the table's paths; members that no
// field reads are skipped without allocation. Values are not decoded here:
// JSONEvent materialises a field's Value on first use (event_json_value.go).

// extractPlan is the trie of one FieldTable's paths. Node 0 is the root.
type extractPlan struct {
	fields []*Field
	nodes  []planNode
}

type planNode struct {
	children keyTable
	// terminal lists the fields whose nested path ends at this node.
	terminal []int32
	// literal lists the dotted fields whose whole name is this key of the
	// root object (sigma-rules.md §4.3: the flat key wins).
	literal []int32
}

func newExtractPlan(fields []*Field) *extractPlan {
	p := &extractPlan{fields: fields, nodes: make([]planNode, 1, len(fields)+1)}
	for _, f := range fields {
		id := int32(f.ID)
		if len(f.Path) > 1 {
			n := p.child(0, f.Name)
			p.nodes[n].literal = append(p.nodes[n].literal, id)
		}
		n := int32(0)
		for _, part := range f.Path {
			n = p.child(n, part)
		}
		p.nodes[n].terminal = append(p.nodes[n].terminal, id)
	}
	return p
}

func (p *extractPlan) child(parent int32, key string) int32 {
	if c, ok := p.nodes[parent].children.get([]byte(key)); ok {
		return c
	}
	c := int32(len(p.nodes))
	p.nodes = append(p.nodes, planNode{})
	p.nodes[parent].children.put(key, c)
	return c
}

// valueSpan is the byte range [start, end) of one JSON value in the event.
type valueSpan struct {
	start, end int32
}

// fieldHit is one terminal value found for a field; hits of one field form
// a list in document order.
type fieldHit struct {
	span valueSpan
	next int32
}

// fieldSlot is the per-event state of one table field. It is valid only
// while slotGen of the field equals the event's generation, so Reset never
// clears slots; a field the event lacks costs one 4-byte compare.
type fieldSlot struct {
	hasLiteral bool
	literal    valueSpan
	head, tail int32
	count      int32
}

// extraction is the state of one pass; it lives inside JSONEvent so its
// buffers are reused across events.
type extraction struct {
	plan    *extractPlan
	buf     []byte
	gen     uint32
	slotGen []uint32 // per field: generation whose slot data is valid
	present []int32  // fields with a slot this event, in first-seen order
	slots   []fieldSlot
	hits    []fieldHit
	seen    []uint32 // per plan node: the object instance that last set it
	objSeq  uint32
	keyBuf  []byte
	// leaves are the spans of every string value (not key), in document
	// order, for Event.Keywords.
	leaves []valueSpan
	// dupKey is set when an object repeats a key the plan reads; the pass
	// then cannot know which occurrence wins, and lookups use the slow path.
	dupKey bool
}

func (x *extraction) bind(p *extractPlan) {
	x.plan = p
	x.slots = make([]fieldSlot, len(p.fields))
	x.slotGen = make([]uint32, len(p.fields))
	x.seen = make([]uint32, len(p.nodes))
	x.gen, x.objSeq = 0, 0
}

// run validates x.buf and records the spans of every planned field.
func (x *extraction) run() error {
	x.nextGen()
	x.hits = x.hits[:0]
	x.leaves = x.leaves[:0]
	x.present = x.present[:0]
	x.dupKey = false
	b := x.buf
	i := skipSpace(b, 0)
	var err error
	if i < len(b) && b[i] == '{' {
		i, err = x.object(i, 0, 1, true)
	} else {
		i, err = x.value(i, 0, 0)
	}
	if err != nil {
		return err
	}
	return checkTrailing(b, i)
}

func (x *extraction) nextGen() {
	x.gen++
	x.objSeq++
	if x.gen == 0 || x.objSeq == 0 {
		clear(x.slotGen)
		clear(x.seen)
		x.gen, x.objSeq = 1, 1
	}
}

// noNode is the plan node of values no field reads below.
const noNode = -1

// value walks the value at b[i]: objects and arrays with plan node n (or
// noNode), strings recorded as leaves, other scalars validated.
func (x *extraction) value(i int, n int32, depth int) (int, error) {
	b := x.buf
	if i >= len(b) {
		return i, syntaxErr(b, i, "value")
	}
	switch b[i] {
	case '"':
		end, _, err := scanString(b, i)
		if err == nil {
			x.leaves = append(x.leaves, valueSpan{int32(i), int32(end)})
		}
		return end, err
	case '{':
		return x.object(i, n, depth+1, false)
	case '[':
		return x.array(i, n, depth+1)
	}
	return skipValue(b, i, depth)
}

// object walks the object at b[i] == '{' whose members are looked up among
// the children of plan node n (none when n is noNode).
func (x *extraction) object(i int, n int32, depth int, root bool) (int, error) {
	if depth > maxJSONDepth {
		return i, &jsonSyntaxError{Offset: i, Msg: "exceeded maximum nesting depth"}
	}
	b := x.buf
	var children *keyTable
	if n != noNode && x.plan.nodes[n].children.n > 0 {
		children = &x.plan.nodes[n].children
	}
	x.objSeq++
	seq := x.objSeq
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return i, syntaxErr(b, i, "string key")
		}
		ks := i
		ke, esc, err := scanString(b, i)
		if err != nil {
			return ke, err
		}
		if i, err = afterColon(b, ke); err != nil {
			return i, err
		}
		c, ok := int32(0), false
		if children != nil {
			key := b[ks+1 : ke-1]
			if esc {
				x.keyBuf = appendUnescaped(x.keyBuf[:0], key)
				key = x.keyBuf
			}
			c, ok = children.get(key)
		}
		if !ok {
			i, err = x.value(i, noNode, depth)
		} else {
			i, err = x.member(i, c, depth, root, seq)
		}
		if err != nil {
			return i, err
		}
		var done bool
		if i, done, err = objectNext(b, i); err != nil || done {
			return i, err
		}
	}
}

// member walks the value at b[i] that plan node c describes and records it.
func (x *extraction) member(i int, c int32, depth int, root bool, seq uint32) (int, error) {
	if x.seen[c] == seq {
		x.dupKey = true
	}
	x.seen[c] = seq
	node := &x.plan.nodes[c]
	start := i
	sub := c
	if node.children.n == 0 {
		sub = noNode
	}
	i, err := x.value(i, sub, depth)
	if err != nil {
		return i, err
	}
	span := valueSpan{int32(start), int32(i)}
	node = &x.plan.nodes[c]
	for _, f := range node.terminal {
		x.addHit(f, span)
	}
	if root {
		for _, f := range node.literal {
			s := x.slot(f)
			s.hasLiteral, s.literal = true, span
		}
	}
	return i, nil
}

// array fans a path out over the elements of the array at b[i] == '['
// (sigma-rules.md §4.3): each object or nested array element is walked with
// the same plan node n.
func (x *extraction) array(i int, n int32, depth int) (int, error) {
	if depth > maxJSONDepth {
		return i, &jsonSyntaxError{Offset: i, Msg: "exceeded maximum nesting depth"}
	}
	b := x.buf
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for {
		var err error
		if i, err = x.value(i, n, depth); err != nil {
			return i, err
		}
		var done bool
		if i, done, err = arrayNext(b, i); err != nil || done {
			return i, err
		}
	}
}

// slot returns field f's slot, reset for this event when first touched.
func (x *extraction) slot(f int32) *fieldSlot {
	s := &x.slots[f]
	if x.slotGen[f] != x.gen {
		x.slotGen[f] = x.gen
		*s = fieldSlot{head: -1, tail: -1}
		x.present = append(x.present, f)
	}
	return s
}

func (x *extraction) addHit(f int32, span valueSpan) {
	s := x.slot(f)
	h := int32(len(x.hits))
	x.hits = append(x.hits, fieldHit{span: span, next: -1})
	if s.tail >= 0 {
		x.hits[s.tail].next = h
	} else {
		s.head = h
	}
	s.tail = h
	s.count++
}
