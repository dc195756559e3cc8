package api

import "testing"

// FuzzPackReadBack: a pack whose compressed bytes were changed anyhow
// reads back as an error, or as entities whose rows render, never a
// panic (a pack's entities are trusted as listed: their JSON was valid
// when packed).
func FuzzPackReadBack(f *testing.F) {
	d, ok := Lookup("apps")
	if !ok {
		f.Fatal("no kind apps")
	}
	raws := []string{
		`{"id":1,"name":"App 000001","platforms":[{"application_id":1,"os":"tvOS","access_keys":[{"key":"k1","secret":null}]}],"created_on":"2020-01-01T00:00:01.000","last_modified_on":"2020-01-01T00:00:01.000","data_type":"application"}`,
		`{"id":2,"name":"Ünïcode \"quoted\"","platforms":[],"created_on":null,"data_type":"application"}`,
		`{"id":"3","name":"x","platforms":[{"os":"iOS"},{"os":"Android"}]}`,
	}
	var sc listScratch
	es := make([]Entity, len(raws))
	for i, r := range raws {
		es[i] = d.listEntity([]byte(r), nil, nil, &sc)
	}
	good := PackEntities(es)[0]
	f.Add([]byte{0x5a}, uint16(10))
	f.Add([]byte{1, 2, 3, 4}, uint16(0))
	f.Add([]byte("\x00\xff"), uint16(200))
	f.Fuzz(func(t *testing.T, flip []byte, at uint16) {
		p := *good
		p.z = append([]byte(nil), good.z...)
		for k, c := range flip {
			p.z[(int(at)+k)%len(p.z)] ^= c
		}
		data, err := p.Unpack(nil)
		if err != nil {
			return
		}
		for i := range p.Len() {
			e := p.At(data, i)
			_ = e.Row()
			_, _ = e.RowKey()
			_ = p.Row(data, i)
		}
	})
}
