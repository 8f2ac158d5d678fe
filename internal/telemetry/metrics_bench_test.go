package telemetry

import (
	"context"
	"testing"
	"time"
)

// BenchmarkObserve is the metrics' cost per GraphQL request, from many
// goroutines at once as under load.
func BenchmarkObserve(b *testing.B) {
	m := NewMetrics(func() int64 { return 0 })
	ops := []string{"Norway", "Search", "Founders", "Paths"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			_, info := WithRequestInfo(context.Background())
			info.Finish(ops[i%len(ops)], "ok", nil)
			m.Observe("/graphql", 200, time.Duration(i%50)*time.Millisecond, info, int64(i%5))
			i++
		}
	})
}
