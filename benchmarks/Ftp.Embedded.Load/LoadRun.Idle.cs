using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FtpWire;

namespace Ftp.Embedded.Load;

internal sealed partial class LoadRun
{
    private const int FreshSamples = 5;

    /// <summary>
    /// Holds up to --idle-sessions logged-in idle sessions (spread over source addresses, at most --idle-per-address
    /// each), reads the server tree's memory before and after, times fresh sessions while they are held, checks with
    /// one NOOP each that the held ones are still alive, then closes them with QUIT.
    /// </summary>
    private async Task<List<TestResult>> IdleSessionsAsync(Meter m)
    {
        var n = _o.IdleSessions;
        var fdLimit = ProcStats.OpenFilesLimit();
        if (fdLimit < n + 256L)
        {
            await log.WriteLineAsync($"# idle_sessions: open-files limit {fdLimit} < {n + 256} needed; raise it (ulimit -n) or expect 'Too many open files'");
        }

        var first = _o.IdleFirstAddress;
        if (first is null && IPAddress.IsLoopback(_server.Address) && _server.AddressFamily == AddressFamily.InterNetwork)
        {
            first = IPAddress.Parse("127.0.0.2");
        }

        await Task.Delay(1000, cancellationToken); // let the server reap the sessions of earlier tests
        var before = _o.ServerPid is { } pid0 ? ProcStats.TreeMemoryBytes(pid0) : null;
        var held = new List<FtpWireClient>(Math.Min(n, 1_000_000));
        var errors = new Dictionary<string, int>();
        var addressesUsed = new SortedSet<string>(StringComparer.Ordinal);
        var reserved = 0;
        var attempts = -1;
        var failedInARow = 0;
        var stopReason = "";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        void Stop(string reason)
        {
            lock (held)
            {
                if (stopReason.Length == 0)
                {
                    stopReason = reason;
                }
            }

            stop.Cancel();
        }

        var wire = Wire(null, _o.Timeout, 256);
        m.Start();
        var t0 = Stopwatch.GetTimestamp();

        async Task Opener()
        {
            while (!stop.IsCancellationRequested)
            {
                if (Interlocked.Increment(ref reserved) > n)
                {
                    Interlocked.Decrement(ref reserved);
                    return;
                }

                var attempt = Interlocked.Increment(ref attempts);
                var local = first is null ? null : Offset(first, attempt / _o.IdlePerAddress);
                FtpWireClient? s = null;
                try
                {
                    s = await FtpWireClient.ConnectAsync(_server, local is null ? wire : wire with { Source = local }, stop.Token);
                    await s.LoginAsync(_o.LoginUser, _o.LoginPassword, stop.Token);
                    lock (held)
                    {
                        held.Add(s);
                        if (local is not null)
                        {
                            addressesUsed.Add(local.ToString());
                        }
                    }

                    s = null;
                    Volatile.Write(ref failedInARow, 0);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    Interlocked.Decrement(ref reserved);
                    return;
                }
                catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or FtpWireTimeoutException or FtpReplyException or InvalidDataException)
                {
                    Interlocked.Decrement(ref reserved);
                    lock (errors)
                    {
                        var key = ErrorKey(ex);
                        errors[key] = errors.GetValueOrDefault(key) + 1;
                    }

                    if (Interlocked.Increment(ref failedInARow) >= 25)
                    {
                        Stop("25 failures in a row (the server refuses more sessions)");
                    }
                }
                finally
                {
                    s?.Dispose();
                }
            }
        }

        async Task Watch()
        {
            var limit = Environment.TickCount64 + (long)_o.IdleOpenLimit.TotalMilliseconds;
            while (!stop.IsCancellationRequested)
            {
                var (tasks, taskLimit) = ProcStats.MachineTasks();
                if (tasks > taskLimit * 0.85)
                {
                    Stop($"the machine's process table 85% full ({tasks} of {taskLimit} tasks)");
                }
                else if (ProcStats.MemAvailableBytes() < _o.MinAvailableBytes)
                {
                    Stop($"machine MemAvailable below {_o.MinAvailableBytes / (1024 * 1024)} MiB");
                }
                else if (Environment.TickCount64 > limit)
                {
                    Stop($"time bound of {_o.IdleOpenLimit.TotalSeconds:0} s for opening");
                }

                try
                {
                    await Task.Delay(200, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        var watcher = Task.Run(Watch, CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, _o.IdleConcurrency).Select(_ => Task.Run(Opener, CancellationToken.None)));
        var openSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        if (!stop.IsCancellationRequested)
        {
            await stop.CancelAsync(); // ends the watcher
        }

        await watcher;
        cancellationToken.ThrowIfCancellationRequested();
        var count = held.Count;
        await log.WriteLineAsync($"# idle_sessions: holding {count} sessions (opened in {openSeconds:0.0} s){(stopReason.Length > 0 ? "; stopped: " + stopReason : "")}");
        await Task.Delay(2000, cancellationToken); // let forked session processes settle
        var after = _o.ServerPid is { } pid1 ? ProcStats.TreeMemoryBytes(pid1) : null;

        // fresh sessions while the idle ones are held: connect + login + NOOP, timed; QUIT not timed
        var fresh = new List<double>();
        string? freshError = null;
        for (var i = 0; i < FreshSamples; i++)
        {
            var f0 = Stopwatch.GetTimestamp();
            try
            {
                using var s = await FtpWireClient.ConnectAsync(_server, Wire(null, TimeSpan.FromSeconds(30), 256), cancellationToken);
                await s.LoginAsync(_o.LoginUser, _o.LoginPassword, cancellationToken);
                await s.ExpectCompletionAsync("NOOP", cancellationToken);
                fresh.Add(Stopwatch.GetElapsedTime(f0).TotalMilliseconds);
                await s.QuitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or FtpWireTimeoutException or FtpReplyException or InvalidDataException)
            {
                freshError = ErrorKey(ex);
            }

            await Task.Delay(200, cancellationToken);
        }

        // are the held sessions still there? one NOOP each, bounded in time
        var alive = 0;
        using (var noopBound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            noopBound.CancelAfter(TimeSpan.FromSeconds(120));
            await Parallel.ForEachAsync(held, new ParallelOptions { MaxDegreeOfParallelism = 256, CancellationToken = CancellationToken.None }, async (s, _) =>
            {
                try
                {
                    s.Timeout = TimeSpan.FromSeconds(10);
                    if ((await s.CommandAsync("NOOP", noopBound.Token)).IsCompletion)
                    {
                        Interlocked.Increment(ref alive);
                    }
                }
                catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or InvalidDataException or OperationCanceledException)
                {
                    // counted as not alive
                }
            });
        }

        var detail = m.Stop();
        await Parallel.ForEachAsync(held, new ParallelOptions { MaxDegreeOfParallelism = 256 }, async (s, _) => await s.QuitAsync(TimeSpan.FromSeconds(2)));

        detail["requested"] = n;
        detail["held"] = count;
        detail["user"] = _o.LoginUser;
        detail["open_seconds"] = Math.Round(openSeconds, 3);
        detail["source_addresses"] = addressesUsed.ToList();
        detail["alive_after"] = alive;
        detail["open_errors"] = errors;
        if (stopReason.Length > 0)
        {
            detail["stopped"] = stopReason;
        }

        if (before is { } b)
        {
            detail["mem_before"] = new Dictionary<string, object?> { ["rss_bytes"] = b.RssBytes, ["pss_bytes"] = b.PssBytes, ["processes"] = b.Processes };
        }

        if (after is { } a)
        {
            detail["mem_after"] = new Dictionary<string, object?> { ["rss_bytes"] = a.RssBytes, ["pss_bytes"] = a.PssBytes, ["processes"] = a.Processes };
        }

        detail["fresh_session_ms_runs"] = fresh.Select(x => Math.Round(x, 2)).ToList();
        if (freshError is not null)
        {
            detail["fresh_session_error"] = freshError;
        }

        var unit = "sessions";
        if (count < n)
        {
            var refusals = string.Join("; ", errors.OrderByDescending(e => e.Value).Take(3).Select(e => $"{e.Value}x {e.Key}"));
            unit += $" (of {n}; stopped: {(stopReason.Length > 0 ? stopReason : "refused")}{(refusals.Length > 0 ? "; errors: " + refusals : "")})";
        }

        if (alive < count)
        {
            unit += $" ({count - alive} no longer answered NOOP)";
        }

        var results = new List<TestResult> { TestResult.Ok("idle_sessions", count, unit, detail) };
        if (before is { } mb && after is { } ma && count > 0)
        {
            results.Add(TestResult.Ok("idle_pss_bytes_per_session", (ma.PssBytes - mb.PssBytes) / (double)count, "bytes PSS",
                new() { ["pss_before"] = mb.PssBytes, ["pss_after"] = ma.PssBytes, ["processes_after"] = ma.Processes }));
            results.Add(TestResult.Ok("idle_rss_bytes_per_session", (ma.RssBytes - mb.RssBytes) / (double)count, "bytes RSS",
                new() { ["rss_before"] = mb.RssBytes, ["rss_after"] = ma.RssBytes }));
        }
        else
        {
            var why = count == 0 ? "no session held" : "needs --server-pid";
            results.Add(TestResult.Skip("idle_pss_bytes_per_session", why));
            results.Add(TestResult.Skip("idle_rss_bytes_per_session", why));
        }

        results.Add(fresh.Count > 0
            ? TestResult.Ok("idle_fresh_session_ms", Median(fresh), fresh.Count < FreshSamples ? $"ms ({FreshSamples - fresh.Count} of {FreshSamples} failed: {freshError})" : "ms",
                new() { ["runs_ms"] = fresh.Select(x => Math.Round(x, 2)).ToList(), ["max_ms"] = Math.Round(fresh.Max(), 2), ["held_sessions"] = count, ["target_ms"] = 50 })
            : TestResult.Error("idle_fresh_session_ms", $"no fresh session could log in while {count} were held: {freshError}"));
        return results;
    }

    /// <summary>The IPv4 address <paramref name="steps"/> after <paramref name="first"/>.</summary>
    private static IPAddress Offset(IPAddress first, int steps)
    {
        var b = first.GetAddressBytes();
        var value = ((uint)b[0] << 24 | (uint)b[1] << 16 | (uint)b[2] << 8 | b[3]) + (uint)steps;
        return new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
    }
}
