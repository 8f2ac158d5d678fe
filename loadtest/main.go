// Command loadtest sends a weighted mix of GraphQL operations from many
// concurrent clients to a Lysøen server on this machine, for a bounded time
// and a bounded number of requests, and reports latency percentiles, HTTP
// status classes and GraphQL error codes.
//
//	go run ./loadtest -url http://127.0.0.1:8080/graphql -clients 16 -duration 2m
//	go run ./loadtest -server bin/lysoen -seed -duration 10s   # starts (and SIGTERMs) its own server
//
// Only loopback addresses are accepted. It exits non-zero on any 5xx,
// transport error, unexpected GraphQL error, or (with -server) an unclean
// server exit.
//
// Scenarios are in scenarios.go; each has a kind (read, analytics, write).
// The write mix (writes.go, -mix read=60,analytics=20,write=20) counts its
// acknowledged writes afterwards: none may be lost or duplicated.
package main

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lysoen/lysoen/internal/auth"
)

type result struct {
	scenario string
	status   int
	latency  time.Duration
	codes    []string
	err      error
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run() error {
	target := flag.String("url", "http://127.0.0.1:8080/graphql", "GraphQL endpoint (loopback only)")
	serverBin := flag.String("server", "", "start this lysoen binary on a free loopback port (NEO4J_* from the environment), SIGTERM it at the end")
	seed := flag.Bool("seed", false, "with -server: run `<server> seed` first")
	clients := flag.Int("clients", 16, "concurrent clients")
	duration := flag.Duration("duration", 30*time.Second, "how long to send (at most 10m)")
	maxRequests := flag.Int("requests", 200_000, "stop after this many requests")
	mix := flag.String("mix", "read=65,analytics=25,export=10", "weights by scenario kind (read, analytics, export, write)")
	jsonOut := flag.String("json", "", "also write the summary as JSON to this file")
	flag.StringVar(&writeToken, "token", os.Getenv("LOADTEST_TOKEN"), "Bearer token (editor) for the write mix (env LOADTEST_TOKEN); with -server one is made up")
	flag.Parse()
	if *duration > 10*time.Minute {
		return errors.New("-duration is capped at 10m")
	}
	weights, err := parseMix(*mix)
	if err != nil {
		return err
	}
	plan := pickScenarios(weights)
	if len(plan) == 0 {
		return fmt.Errorf("no scenario matches -mix %q", *mix)
	}

	var srv *exec.Cmd
	var srvDone chan error
	if *serverBin != "" {
		var env []string
		if weights["write"] > 0 && writeToken == "" {
			// A throwaway editor key for this run, configured by its hash.
			var b [24]byte
			_, _ = crand.Read(b[:])
			writeToken = "lsn_" + base64.RawURLEncoding.EncodeToString(b[:])
			env = append(env, auth.EnvAPIKeys+"=loadtest:editor:"+auth.HashKey(writeToken))
		}
		srv, srvDone, *target, err = startServer(*serverBin, *seed, env)
		if err != nil {
			return err
		}
		defer func() {
			if srv.ProcessState == nil {
				_ = srv.Process.Kill()
			}
		}()
	}
	if err := loopbackOnly(*target); err != nil {
		return err
	}

	for _, sc := range scenarios {
		if sc.Setup != nil && weights[sc.Kind] > 0 {
			if err := sc.Setup(context.Background(), &http.Client{Timeout: 30 * time.Second}, *target); err != nil {
				return fmt.Errorf("setup %s: %w", sc.Name, err)
			}
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *clients}}
	results := make(chan result, 1024)
	var sent sync.WaitGroup
	var budget = make(chan struct{}, *maxRequests)
	for i := 0; i < *maxRequests; i++ {
		budget <- struct{}{}
	}
	close(budget)
	start := time.Now()
	for c := 0; c < *clients; c++ {
		sent.Add(1)
		go func(seed uint64) {
			defer sent.Done()
			rng := rand.New(rand.NewPCG(seed, 42))
			for range budget {
				if ctx.Err() != nil {
					return
				}
				sc := plan[rng.IntN(len(plan))]
				results <- do(ctx, client, *target, sc, rng)
			}
		}(uint64(c))
	}
	go func() { sent.Wait(); close(results) }()
	sum := newSummary()
	for r := range results {
		sum.add(r)
	}
	elapsed := time.Since(start)

	var verifyErr error
	for _, sc := range scenarios {
		if sc.Verify != nil && weights[sc.Kind] > 0 {
			if err := sc.Verify(context.Background(), client, *target); err != nil {
				verifyErr = errors.Join(verifyErr, fmt.Errorf("verify %s: %w", sc.Name, err))
			}
		}
	}

	rep := sum.report(elapsed, *clients)
	fmt.Print(rep.String())
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(*jsonOut, b, 0o644); err != nil {
			return err
		}
	}
	var problems []string
	if srv != nil {
		if err := stopServer(srv, srvDone); err != nil {
			problems = append(problems, err.Error())
		} else {
			fmt.Println("server: SIGTERM, exited 0")
		}
	}
	if rep.Status5xx > 0 {
		problems = append(problems, fmt.Sprintf("%d responses were 5xx", rep.Status5xx))
	}
	if rep.TransportErrors > 0 {
		problems = append(problems, fmt.Sprintf("%d transport errors", rep.TransportErrors))
	}
	for code, n := range rep.ErrorCodes {
		if code != "RATE_LIMITED" {
			problems = append(problems, fmt.Sprintf("%d GraphQL errors %s", n, code))
		}
	}
	if verifyErr != nil {
		problems = append(problems, verifyErr.Error())
	}
	if rep.Requests == 0 {
		problems = append(problems, "no request completed")
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

func parseMix(s string) (map[string]int, error) {
	w := map[string]int{}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		var n int
		if _, err := fmt.Sscan(v, &n); !ok || err != nil || n < 0 {
			return nil, fmt.Errorf("-mix: %q is not kind=weight", part)
		}
		w[k] = n
	}
	return w, nil
}

// pickScenarios expands the weights into a slice to draw from: a kind's
// weight is shared among its scenarios.
func pickScenarios(weights map[string]int) []scenario {
	byKind := map[string][]scenario{}
	for _, sc := range scenarios {
		byKind[sc.Kind] = append(byKind[sc.Kind], sc)
	}
	var plan []scenario
	for kind, w := range weights {
		list := byKind[kind]
		for i := 0; i < w*10; i++ {
			if len(list) > 0 {
				plan = append(plan, list[i%len(list)])
			}
		}
	}
	return plan
}

// loopbackOnly refuses any target that is not on this machine.
func loopbackOnly(target string) error {
	u, err := url.Parse(target)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("target %s is not a loopback address; this tool only loads servers on this machine", target)
	}
	return nil
}

func do(ctx context.Context, c *http.Client, target string, sc scenario, rng *rand.Rand) result {
	vars := sc.vars(rng)
	r := send(ctx, c, target, sc, vars)
	if sc.Record != nil {
		sc.Record(vars, r)
	}
	return r
}

func send(ctx context.Context, c *http.Client, target string, sc scenario, vars map[string]any) result {
	var req *http.Request
	if sc.Export != "" {
		path := sc.Export
		for k, v := range vars {
			path = strings.ReplaceAll(path, "{"+k+"}", url.QueryEscape(fmt.Sprint(v)))
		}
		req, _ = http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(target, "/graphql")+path, nil)
	} else {
		body, _ := json.Marshal(map[string]any{"query": sc.Query, "variables": vars, "operationName": sc.Name})
		req, _ = http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	}
	if sc.Kind == "write" && writeToken != "" {
		req.Header.Set("Authorization", "Bearer "+writeToken)
	}
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return result{scenario: sc.Name, err: context.Canceled}
		}
		return result{scenario: sc.Name, err: err, latency: time.Since(start)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	lat := time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			return result{scenario: sc.Name, err: context.Canceled}
		}
		return result{scenario: sc.Name, err: err, latency: lat}
	}
	var out struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	_ = json.Unmarshal(raw, &out)
	r := result{scenario: sc.Name, status: resp.StatusCode, latency: lat}
	for _, e := range out.Errors {
		code, _ := e.Extensions["code"].(string)
		r.codes = append(r.codes, code)
	}
	return r
}

// startServer runs bin on a free loopback port with the rate limit off.
func startServer(bin string, seed bool, env []string) (*exec.Cmd, chan error, string, error) {
	if seed {
		cmd := exec.Command(bin, "seed")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return nil, nil, "", fmt.Errorf("%s seed: %w", bin, err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, "", err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "-addr", addr)
	cmd.Env = append(append(os.Environ(), "LYSOEN_RATE_LIMIT=0", "LYSOEN_LOG_LEVEL=warn"), env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, nil, "", err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return cmd, done, base + "/graphql", nil
			}
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			return nil, nil, "", fmt.Errorf("server at %s not ready after 60s", base)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func stopServer(cmd *exec.Cmd, done chan error) error {
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("server exit after SIGTERM: %w", err)
		}
		return nil
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		return errors.New("server did not exit within 30s of SIGTERM")
	}
}
