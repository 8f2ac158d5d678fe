// load.js drives one target with autocannon (its API, the same requests
// as its command line) and prints one JSON line: autocannon's throughput
// and error counts, and latency percentiles with microsecond resolution.
//
// autocannon's own percentiles are whole milliseconds (its histogram
// records integers). At 6–7 ms, one millisecond is 15 %: the size of the
// "median within 15 % of the floor" target. So every 2xx answer's
// duration (process.hrtime, as autocannon measures it) is kept here and
// the percentiles are taken from those.
//
//	node bench/load.js -c 8 -d 10 -b '{"query":"…"}' -H Authorization=Bearer… http://127.0.0.1:4710/graphql
'use strict'

const autocannon = require('autocannon')

function parse (argv) {
  const o = { connections: 8, duration: 10, method: 'POST', headers: { 'content-type': 'application/json' } }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`)
      return argv[++i]
    }
    if (a === '-c') o.connections = Number(next())
    else if (a === '-d') o.duration = Number(next())
    else if (a === '-b') o.body = next()
    else if (a === '-H') {
      const h = next()
      const eq = h.indexOf('=')
      if (eq < 1) throw new Error(`-H ${h}: want name=value`)
      o.headers[h.slice(0, eq).toLowerCase()] = h.slice(eq + 1)
    } else if (a.startsWith('-')) throw new Error(`unknown flag ${a}`)
    else o.url = a
  }
  if (!o.url) throw new Error('no URL')
  if (!(o.connections > 0) || !(o.duration > 0)) throw new Error('-c and -d must be positive')
  return o
}

// percentile is the nearest-rank percentile of sorted values (ms).
function percentile (sorted, p) {
  if (sorted.length === 0) return 0
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1]
}

function main () {
  let opts
  try {
    opts = parse(process.argv.slice(2))
  } catch (err) {
    process.stderr.write(`load.js: ${err.message}\n`)
    process.exit(2)
  }
  const durations = []
  const instance = autocannon(opts, (err, res) => {
    if (err) {
      process.stderr.write(`load.js: ${err.stack || err}\n`)
      process.exit(1)
    }
    durations.sort((a, b) => a - b)
    const round = (ms) => Math.round(ms * 1000) / 1000
    process.stdout.write(JSON.stringify({
      requests: { average: res.requests.average, total: res.requests.total },
      latency: {
        p50: round(percentile(durations, 50)),
        p99: round(percentile(durations, 99)),
        samples: durations.length,
        autocannonP50: res.latency.p50,
        autocannonP99: res.latency.p99
      },
      errors: res.errors,
      timeouts: res.timeouts,
      non2xx: res.non2xx
    }) + '\n')
  })
  instance.on('response', (client, statusCode, resBytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) durations.push(responseTime)
  })
}

main()
