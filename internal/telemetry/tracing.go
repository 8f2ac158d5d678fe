package telemetry

import (
	"context"
	"fmt"
	"io"

	"github.com/99designs/gqlgen/graphql"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/lysoen/lysoen/graph/store"
)

// Optional OpenTelemetry tracing (docs/operations.md, "Tracing"), off by
// default. LYSOEN_OTEL=stdout writes spans as JSON to stderr;
// LYSOEN_OTEL=otlp sends them over OTLP/HTTP to the endpoint of the
// standard OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
// variables (default http://localhost:4318). Spans: one per GraphQL
// operation, one per resolver (fields with their own resolver, not plain
// struct fields), one per Cypher statement, nested in that order.

const TracerName = "github.com/lysoen/lysoen"

// NewTracerProvider builds the provider for mode ("" or "off": none).
func NewTracerProvider(ctx context.Context, mode string, stderr io.Writer) (*sdktrace.TracerProvider, error) {
	var exp sdktrace.SpanExporter
	var err error
	switch mode {
	case "", "off":
		return nil, nil
	case "stdout":
		exp, err = stdouttrace.New(stdouttrace.WithWriter(stderr))
	case "otlp":
		exp, err = otlptracehttp.New(ctx)
	default:
		return nil, fmt.Errorf("LYSOEN_OTEL=%q: want off, stdout or otlp", mode)
	}
	if err != nil {
		return nil, fmt.Errorf("LYSOEN_OTEL=%s: %w", mode, err)
	}
	res := resource.NewSchemaless(attribute.String("service.name", "lysoen"))
	return sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res)), nil
}

// GQLTracer is the gqlgen extension: a span per operation and per resolver.
type GQLTracer struct{ tracer trace.Tracer }

// NewGQLTracer is the extension for tp's spans.
func NewGQLTracer(tp trace.TracerProvider) GQLTracer { return GQLTracer{tracer: tp.Tracer(TracerName)} }

var (
	_ graphql.HandlerExtension    = GQLTracer{}
	_ graphql.ResponseInterceptor = GQLTracer{}
	_ graphql.FieldInterceptor    = GQLTracer{}
)

func (GQLTracer) ExtensionName() string                   { return "OpenTelemetry" }
func (GQLTracer) Validate(graphql.ExecutableSchema) error { return nil }

func (g GQLTracer) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	kind, name := "query", oc.OperationName
	if oc.Operation != nil {
		kind = string(oc.Operation.Operation)
		if name == "" {
			name = oc.Operation.Name
		}
	}
	spanName := "graphql." + kind
	if name != "" {
		spanName += " " + name
	}
	ctx, span := g.tracer.Start(ctx, spanName, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("graphql.operation.type", kind), attribute.String("graphql.operation.name", name)))
	defer span.End()
	resp := next(ctx)
	if resp != nil && len(resp.Errors) > 0 {
		span.SetStatus(codes.Error, resp.Errors[0].Message)
		span.SetAttributes(attribute.Int("graphql.errors", len(resp.Errors)))
	}
	return resp
}

func (g GQLTracer) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !fc.IsResolver {
		return next(ctx)
	}
	ctx, span := g.tracer.Start(ctx, "graphql.resolve "+fc.Object+"."+fc.Field.Name,
		trace.WithAttributes(attribute.String("graphql.field.path", fc.Path().String())))
	defer span.End()
	res, err := next(ctx)
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	return res, err
}

// CypherTracer is the store's hook: a span per Cypher statement, with its
// parameterized text (never the parameter values).
func CypherTracer(tp trace.TracerProvider, database string) store.TraceFunc {
	tracer := tp.Tracer(TracerName)
	return func(ctx context.Context, cypher string) (context.Context, func(error)) {
		ctx, span := tracer.Start(ctx, "neo4j.cypher", trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(attribute.String("db.system.name", "neo4j"), attribute.String("db.query.text", cypher),
				attribute.String("db.namespace", database)))
		return ctx, func(err error) {
			if err != nil {
				span.RecordError(err)
				span.SetStatus(codes.Error, err.Error())
			}
			span.End()
		}
	}
}
