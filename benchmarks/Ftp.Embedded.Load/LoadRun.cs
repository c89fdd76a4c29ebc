using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FtpWire;

namespace Ftp.Embedded.Load;

/// <summary>One measuring run against one server: setup (login, FEAT, run directory), the tests, cleanup.</summary>
internal sealed partial class LoadRun(LoadOptions options, TextWriter log, CancellationToken cancellationToken)
{
    public const string BigName = "big1g.bin";
    public const string MidName = "f128m.bin";
    public const string ListDirName = "dir10k";
    private const double MB = 1_000_000;
    private const double GiB = 1024.0 * 1024 * 1024;
    private const int MiB = 1024 * 1024;

    private readonly LoadOptions _o = options;
    private readonly Dictionary<string, string> _files = [];
    private readonly List<string> _uploaded = [];
    private readonly List<(string Dir, List<string> Files)> _madeDirs = [];
    private readonly byte[] _pattern = MakePattern();
    private IPEndPoint _server = new(IPAddress.Loopback, 21);
    private string? _runDir;
    private string _runDirError = "no run directory";
    private List<string> _feat = [];

    public string? LoginDir { get; private set; }

    public string? WorkDir { get; private set; }

    public string? RunDir => _runDir;

    public IReadOnlyList<string> Feat => _feat;

    /// <summary>Logs in once: login directory, FEAT, and the run directory below the work directory.</summary>
    public async Task SetupAsync()
    {
        var addresses = IPAddress.TryParse(_o.Host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(_o.Host, cancellationToken);
        var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.First();
        _server = new IPEndPoint(address, _o.Port);
        using var s = await OpenAsync();
        LoginDir = FtpWireParser.ParsePwd((await s.ExpectAsync("PWD", 257, cancellationToken)).FirstLine);
        WorkDir = _o.WorkDir ?? LoginDir;
        var feat = await s.CommandAsync("FEAT", cancellationToken);
        _feat = feat.IsCompletion ? [.. feat.Lines.Skip(1).SkipLast(1).Select(l => l.Trim())] : [];
        var name = string.Create(CultureInfo.InvariantCulture, $"ftpload-{Environment.ProcessId}-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}");
        var dir = Join(WorkDir, name);
        var mkd = await s.CommandAsync("MKD " + dir, cancellationToken);
        if (mkd.Code == 257)
        {
            _runDir = dir;
        }
        else
        {
            _runDirError = $"cannot create run directory {dir}: {mkd.FirstLine}";
        }

        await s.QuitAsync(TimeSpan.FromSeconds(5));
    }

    /// <summary>Removes what this run uploaded or created, then the run directory (bounded in time).</summary>
    public async Task CleanupAsync()
    {
        if (_runDir is null)
        {
            return;
        }

        try
        {
            using var s = await OpenAsync();
            var deadline = Environment.TickCount64 + 300_000;
            foreach (var path in _uploaded)
            {
                await s.CommandAsync("DELE " + path, CancellationToken.None);
            }

            foreach (var (dir, files) in Enumerable.Reverse(_madeDirs))
            {
                foreach (var file in files)
                {
                    if (Environment.TickCount64 > deadline)
                    {
                        break;
                    }

                    await s.CommandAsync("DELE " + Join(dir, file), CancellationToken.None);
                }

                await s.CommandAsync("RMD " + dir, CancellationToken.None);
            }

            var rmd = await s.CommandAsync("RMD " + _runDir, CancellationToken.None);
            if (!rmd.IsCompletion)
            {
                await log.WriteLineAsync($"# cleanup: RMD {_runDir}: {rmd.FirstLine}");
            }

            await s.QuitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or FtpWireTimeoutException or FtpReplyException or InvalidDataException)
        {
            await log.WriteLineAsync($"# cleanup: cannot remove {_runDir}: {ex.Message}");
        }
    }

    public Task<List<TestResult>> RunAsync(string test, Meter m) => test switch
    {
        "retr_mbps" => RetrAsync(m),
        "stor_mbps" => StorAsync(m),
        "login_rate" => LoginRateAsync(m, tls: false),
        "list_10k_ms" => ListAsync(m, "LIST", "list_10k_ms"),
        "mlsd_10k_ms" => ListAsync(m, "MLSD", "mlsd_10k_ms"),
        "small_files_ops" => SmallFilesAsync(m),
        "parallel_retr_mbps" => ParallelRetrAsync(m),
        "idle_sessions" => IdleSessionsAsync(m),
        "tls_retr_mbps" => TlsRetrAsync(m),
        "tls_stor_mbps" => TlsStorAsync(m),
        "tls_login_rate" => LoginRateAsync(m, tls: true),
        "tls_small_files_ops" => TlsSmallFilesAsync(m),
        _ => throw new ArgumentException($"unknown test {test}", nameof(test)),
    };

    // ------------------------------------------------------------------ tests

    private async Task<List<TestResult>> RetrAsync(Meter m)
    {
        using var s = await OpenAsync();
        var path = await EnsureFileAsync(s, BigName, _o.BigBytes);
        await s.ExpectCompletionAsync("TYPE I", cancellationToken);
        var buffer = new byte[MiB];
        var rates = new List<double>();
        m.Start();
        for (var i = 0; i < _o.TransferRuns; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var got = await s.DownloadAsync("RETR " + path, buffer, null, _o.TransferLimit, cancellationToken);
            rates.Add(got / Stopwatch.GetElapsedTime(t0).TotalSeconds / MB);
            if (got != _o.BigBytes)
            {
                throw new InvalidDataException($"received {got} bytes of {path}, expected {_o.BigBytes}");
            }
        }

        var detail = m.Stop();
        await s.QuitAsync(TimeSpan.FromSeconds(5));
        detail["bytes_per_run"] = _o.BigBytes;
        detail["path"] = path;
        detail["runs_mbps"] = rates.Select(r => Math.Round(r, 1)).ToList();
        var results = new List<TestResult> { TestResult.Ok("retr_mbps", Median(rates), "MB/s", detail) };
        results.Add(CpuPerGiB("retr_cpu_s_per_gib", m, _o.TransferRuns * (double)_o.BigBytes));
        return results;
    }

    private async Task<List<TestResult>> StorAsync(Meter m)
    {
        var path = Join(NeedRunDir(), "stor-1g.bin");
        using var s = await OpenAsync();
        await s.ExpectCompletionAsync("TYPE I", cancellationToken);
        var rates = new List<double>();
        long stored = -1;
        // One untimed upload first: the first large writes into a freshly made data tree were measured 2-6 times slower
        // than the next ones on every server (the filesystem's allocator warming up), which would favour whichever
        // server runs later.
        await s.UploadAsync("STOR " + path, _pattern, _o.BigBytes, _o.TransferLimit, cancellationToken);
        await s.CommandAsync("DELE " + path, cancellationToken);
        m.Start();
        for (var i = 0; i < _o.TransferRuns; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var sent = await s.UploadAsync("STOR " + path, _pattern, _o.BigBytes, _o.TransferLimit, cancellationToken);
            rates.Add(sent / Stopwatch.GetElapsedTime(t0).TotalSeconds / MB);
            m.Pause(); // SIZE and DELE are not measured
            var size = await s.CommandAsync("SIZE " + path, cancellationToken);
            stored = size.Code == 213 ? long.Parse(size.FirstLine[4..].Trim(), CultureInfo.InvariantCulture) : -1;
            var dele = await s.CommandAsync("DELE " + path, cancellationToken);
            if (!dele.IsCompletion)
            {
                await log.WriteLineAsync($"# stor_mbps: DELE {path}: {dele.FirstLine}");
            }

            m.Resume();
            if (stored >= 0 && stored != sent)
            {
                throw new InvalidDataException($"server stored {stored} bytes, sent {sent}");
            }
        }

        var detail = m.Stop();
        await s.QuitAsync(TimeSpan.FromSeconds(5));
        detail["bytes_per_run"] = _o.BigBytes;
        detail["stored_size"] = stored;
        detail["runs_mbps"] = rates.Select(r => Math.Round(r, 1)).ToList();
        return [TestResult.Ok("stor_mbps", Median(rates), "MB/s", detail), CpuPerGiB("stor_cpu_s_per_gib", m, _o.TransferRuns * (double)_o.BigBytes)];
    }

    private async Task<List<TestResult>> LoginRateAsync(Meter m, bool tls)
    {
        var name = tls ? "tls_login_rate" : "login_rate";
        var count = _o.LoginCount;
        var next = 0;
        var ok = 0;
        var failedInARow = 0;
        var errors = new Dictionary<string, int>();
        var latencies = new List<double>[_o.LoginConcurrency];
        var stopReason = "";
        var deadline = Environment.TickCount64 + (long)_o.LoginLimit.TotalMilliseconds;
        long lastEnd = 0;
        m.Start();
        var t0 = Stopwatch.GetTimestamp();

        var wire = Wire(null, Min(_o.Timeout, TimeSpan.FromSeconds(10)), 256);

        async Task Worker(int w)
        {
            var mine = latencies[w] = [];
            while (Interlocked.Increment(ref next) <= count && Environment.TickCount64 < deadline && Volatile.Read(ref failedInARow) < 50)
            {
                var c0 = Stopwatch.GetTimestamp();
                FtpWireClient? s = null;
                try
                {
                    s = await FtpWireClient.ConnectAsync(_server, wire, cancellationToken);
                    if (tls)
                    {
                        await s.ExpectAsync("AUTH TLS", 234, cancellationToken);
                        await s.UpgradeToTlsAsync(cancellationToken);
                        RecordTls(s);
                    }

                    await s.LoginAsync(_o.LoginUser, _o.LoginPassword, cancellationToken);
                    var quit = await s.CommandAsync("QUIT", cancellationToken);
                    if (quit.Code != 221)
                    {
                        throw FtpReplyException.Unexpected("QUIT", "221", quit);
                    }

                    var c1 = Stopwatch.GetTimestamp();
                    mine.Add(Stopwatch.GetElapsedTime(c0, c1).TotalMilliseconds);
                    Interlocked.Increment(ref ok);
                    Volatile.Write(ref failedInARow, 0);
                    InterlockedMax(ref lastEnd, c1);
                }
                catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or FtpWireTimeoutException or FtpReplyException or InvalidDataException)
                {
                    lock (errors)
                    {
                        var key = ErrorKey(ex);
                        errors[key] = errors.GetValueOrDefault(key) + 1;
                    }

                    InterlockedMax(ref lastEnd, Stopwatch.GetTimestamp());
                    if (Interlocked.Increment(ref failedInARow) >= 50 && Volatile.Read(ref ok) == 0)
                    {
                        stopReason = "50 failures in a row";
                    }
                }
                finally
                {
                    s?.Dispose();
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, _o.LoginConcurrency).Select(w => Task.Run(() => Worker(w), cancellationToken)));
        var elapsed = Stopwatch.GetElapsedTime(t0, lastEnd == 0 ? Stopwatch.GetTimestamp() : lastEnd).TotalSeconds;
        var detail = m.Stop(elapsed);
        if (Environment.TickCount64 >= deadline && ok + errors.Values.Sum() < count)
        {
            stopReason = $"time bound of {_o.LoginLimit.TotalSeconds:0} s";
        }

        var all = latencies.Where(l => l is not null).SelectMany(l => l).Order().ToList();
        detail["concurrency"] = _o.LoginConcurrency;
        detail["cycles_asked"] = count;
        detail["logins_ok"] = ok;
        detail["user"] = _o.LoginUser;
        detail["seconds"] = Math.Round(elapsed, 3);
        detail["errors"] = errors;
        detail["error_count"] = errors.Values.Sum();
        if (stopReason.Length > 0)
        {
            detail["stopped"] = stopReason;
        }

        if (all.Count > 0)
        {
            detail["cycle_ms_median"] = Math.Round(Median(all), 3);
            detail["cycle_ms_p99"] = Math.Round(all[Math.Min(all.Count - 1, (int)(all.Count * 0.99))], 3);
        }

        if (ok == 0)
        {
            return [TestResult.Error(name, "no successful login: " + string.Join("; ", errors.Select(e => $"{e.Value}x {e.Key}")), detail)];
        }

        var unit = errors.Count > 0 ? $"logins/s ({errors.Values.Sum()} failed cycles)" : "logins/s";
        var results = new List<TestResult> { TestResult.Ok(name, ok / elapsed, unit, detail) };
        if (tls)
        {
            results.Add(m.HasServer
                ? TestResult.Ok("tls_login_cpu_ms", 1000 * m.ServerCpuSeconds / ok, "server CPU ms/login", new() { ["server_cpu_s"] = Math.Round(m.ServerCpuSeconds, 3), ["logins"] = ok })
                : TestResult.Skip("tls_login_cpu_ms", "needs --server-pid"));
        }

        return results;
    }

    private async Task<List<TestResult>> ListAsync(Meter m, string verb, string name)
    {
        if (verb == "MLSD" && !_feat.Any(f => f.StartsWith("MLST", StringComparison.OrdinalIgnoreCase) || f.StartsWith("MLSD", StringComparison.OrdinalIgnoreCase)))
        {
            return [TestResult.Skip(name, "FEAT does not advertise MLST/MLSD")];
        }

        using var s = await OpenAsync();
        var dir = await EnsureListDirAsync(s);
        await s.ExpectCompletionAsync("CWD " + dir, cancellationToken);
        await s.ExpectCompletionAsync("TYPE A", cancellationToken);
        var buffer = new byte[256 * 1024];
        var listing = new MemoryStream();
        void Sink(ReadOnlyMemory<byte> data) => listing.Write(data.Span);
        await s.DownloadAsync(verb, buffer, null, TimeSpan.FromSeconds(120), cancellationToken); // warm-up, not timed
        var times = new List<double>();
        var entries = new List<int>();
        m.Start();
        var deadline = Environment.TickCount64 + 300_000;
        for (var i = 0; i < _o.ListRuns && Environment.TickCount64 < deadline; i++)
        {
            listing.SetLength(0);
            var t0 = Stopwatch.GetTimestamp();
            await s.DownloadAsync(verb, buffer, Sink, TimeSpan.FromSeconds(120), cancellationToken);
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            m.Pause();
            entries.Add(CountEntries(listing.ToArray(), verb));
            m.Resume();
        }

        var detail = m.Stop();
        await s.QuitAsync(TimeSpan.FromSeconds(5));
        detail["runs_ms"] = times.Select(t => Math.Round(t, 2)).ToList();
        detail["bytes"] = listing.Length;
        detail["entries"] = entries[^1];
        detail["dir"] = dir;
        var unit = "ms";
        if (entries.Min() < _o.ListFiles)
        {
            detail["truncated"] = true;
            unit += $" (WARNING: listing had only {entries.Min()} of {_o.ListFiles} entries)";
        }

        return [TestResult.Ok(name, Median(times), unit, detail)];
    }

    private async Task<List<TestResult>> SmallFilesAsync(Meter m)
    {
        var dir = Join(NeedRunDir(), "small");
        var count = _o.SmallCount;
        var payloads = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var p = payloads[i] = new byte[_o.SmallBytes];
            var offset = (i * 8) % (_pattern.Length - p.Length);
            _pattern.AsSpan(offset, p.Length).CopyTo(p);
            Encoding.ASCII.GetBytes(i.ToString("D8", CultureInfo.InvariantCulture)).AsSpan(0, Math.Min(8, p.Length)).CopyTo(p);
        }

        using var s = await OpenAsync();
        await s.ExpectAsync("MKD " + dir, 257, cancellationToken);
        var made = new List<string>();
        _madeDirs.Add((dir, made));
        await s.ExpectCompletionAsync("CWD " + dir, cancellationToken);
        await s.ExpectCompletionAsync("TYPE I", cancellationToken);
        var buffer = new byte[64 * 1024];
        var received = new MemoryStream();
        void Sink(ReadOnlyMemory<byte> data) => received.Write(data.Span);
        var deadline = Environment.TickCount64 + 300_000;
        var bad = 0;
        m.Start();
        var t0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var file = string.Create(CultureInfo.InvariantCulture, $"s{i:D5}.bin");
            await s.UploadAsync("STOR " + file, payloads[i], payloads[i].Length, TimeSpan.FromSeconds(60), cancellationToken);
            made.Add(file);
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"stopped after 300 s: {i + 1} STOR done");
            }
        }

        var t1 = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            received.SetLength(0);
            await s.DownloadAsync(string.Create(CultureInfo.InvariantCulture, $"RETR s{i:D5}.bin"), buffer, Sink, TimeSpan.FromSeconds(60), cancellationToken);
            if (!received.GetBuffer().AsSpan(0, (int)received.Length).SequenceEqual(payloads[i]))
            {
                bad++;
            }

            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"stopped after 300 s: {count} STOR + {i + 1} RETR done");
            }
        }

        var t2 = Stopwatch.GetTimestamp();
        var detail = m.Stop();
        await s.QuitAsync(TimeSpan.FromSeconds(5));
        if (bad > 0)
        {
            return [TestResult.Error("small_files_ops", $"{bad} of {count} files came back different", detail)];
        }

        detail["files"] = count;
        detail["file_bytes"] = _o.SmallBytes;
        detail["stor_ops_s"] = Math.Round(count / Stopwatch.GetElapsedTime(t0, t1).TotalSeconds, 1);
        detail["retr_ops_s"] = Math.Round(count / Stopwatch.GetElapsedTime(t1, t2).TotalSeconds, 1);
        return [TestResult.Ok("small_files_ops", 2 * count / (double)detail["wall_s"]!, "ops/s", detail)];
    }

    private async Task<List<TestResult>> ParallelRetrAsync(Meter m)
    {
        string path;
        using (var s0 = await OpenAsync())
        {
            path = await EnsureFileAsync(s0, MidName, _o.MidBytes);
            await s0.QuitAsync(TimeSpan.FromSeconds(5));
        }

        var k = _o.Parallel;
        var rounds = new List<(double Mbps, double Seconds, double MinStream, double MaxStream)>();
        m.Start();
        m.Pause(); // logins are not part of the measurement
        for (var round = 0; round < _o.TransferRuns; round++)
        {
            var sessions = new List<FtpWireClient>();
            try
            {
                for (var i = 0; i < k; i++)
                {
                    var s = await OpenAsync();
                    sessions.Add(s);
                    await s.ExpectCompletionAsync("TYPE I", cancellationToken);
                }

                m.Resume();
                var t0 = Stopwatch.GetTimestamp();
                var ends = await Task.WhenAll(sessions.Select(s => Task.Run(async () =>
                {
                    var got = await s.DownloadAsync("RETR " + path, new byte[MiB], null, _o.TransferLimit, cancellationToken);
                    return (Got: got, End: Stopwatch.GetTimestamp());
                }, cancellationToken)));
                m.Pause();
                var total = ends.Sum(e => e.Got);
                if (total != k * _o.MidBytes)
                {
                    throw new InvalidDataException($"received {total} bytes, expected {k * _o.MidBytes}");
                }

                var seconds = Stopwatch.GetElapsedTime(t0, ends.Max(e => e.End)).TotalSeconds;
                var per = ends.Select(e => _o.MidBytes / Stopwatch.GetElapsedTime(t0, e.End).TotalSeconds / MB).ToList();
                rounds.Add((total / seconds / MB, seconds, per.Min(), per.Max()));
            }
            finally
            {
                await Task.WhenAll(sessions.Select(s => s.QuitAsync(TimeSpan.FromSeconds(5))));
            }
        }

        var detail = m.Stop(rounds.Sum(r => r.Seconds));
        detail["streams"] = k;
        detail["bytes_per_round"] = k * _o.MidBytes;
        detail["runs_mbps"] = rounds.Select(r => Math.Round(r.Mbps, 1)).ToList();
        detail["stream_mbps_min"] = Math.Round(rounds.Min(r => r.MinStream), 1);
        detail["stream_mbps_max"] = Math.Round(rounds.Max(r => r.MaxStream), 1);
        return [TestResult.Ok("parallel_retr_mbps", Median([.. rounds.Select(r => r.Mbps)]), "MB/s", detail)];
    }

    // ---------------------------------------------------------------- helpers

    private Task<FtpWireClient> OpenAsync() => OpenAsync(_o.User!, _o.Password!, null);

    private async Task<FtpWireClient> OpenAsync(string user, string password, IPAddress? local, int bufferSize = 4096)
    {
        var s = await FtpWireClient.ConnectAsync(_server, Wire(local, _o.Timeout, bufferSize), cancellationToken);
        try
        {
            await s.LoginAsync(user, password, cancellationToken);
            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>
    /// How the load tool connects: lenient framing (it measures any server), TCP_NODELAY, a small reply buffer that
    /// grows up to 64 KiB per line, multi-line replies up to 10,000 lines or 1 MiB.
    /// </summary>
    private static FtpWireOptions Wire(IPAddress? local, TimeSpan timeout, int bufferSize) => new()
    {
        Source = local, Timeout = timeout, BufferSize = bufferSize, NoDelay = true, Strict = false,
        MaxLineLength = 64 * 1024, MaxReplyLines = 10_000, MaxReplyBytes = 1024 * 1024,
    };

    private string NeedRunDir() => _runDir ?? throw new InvalidOperationException(_runDirError);

    /// <summary>The prepared file in --pubdir when it has the right size, else one uploaded now (not timed).</summary>
    private async Task<string> EnsureFileAsync(FtpWireClient s, string name, long size)
    {
        if (_files.TryGetValue(name, out var known))
        {
            return known;
        }

        var path = Join(_o.PubDir, name);
        await s.ExpectCompletionAsync("TYPE I", cancellationToken);
        var reply = await s.CommandAsync("SIZE " + path, cancellationToken);
        string why;
        if (reply.Code == 213 && long.TryParse(reply.FirstLine[4..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var got))
        {
            if (got == size)
            {
                return _files[name] = path;
            }

            why = $"has {got} bytes, want {size}";
        }
        else
        {
            why = "SIZE: " + reply.FirstLine;
        }

        if (_runDir is null)
        {
            throw new InvalidOperationException($"{path} not usable ({why}) and cannot upload it: {_runDirError}");
        }

        var upload = Join(_runDir, name);
        await log.WriteLineAsync($"# {path} not usable ({why}); uploading {size} bytes to {upload} first (not timed)");
        await s.UploadAsync("STOR " + upload, _pattern, size, _o.TransferLimit, cancellationToken);
        _uploaded.Add(upload);
        return _files[name] = upload;
    }

    /// <summary>The prepared directory of --list-files files in --pubdir when CWD works, else one made now (not timed).</summary>
    private async Task<string> EnsureListDirAsync(FtpWireClient s)
    {
        if (_files.TryGetValue(ListDirName, out var known))
        {
            return known;
        }

        var path = Join(_o.PubDir, ListDirName);
        var cwd = await s.CommandAsync("CWD " + path, cancellationToken);
        if (cwd.IsCompletion)
        {
            return _files[ListDirName] = path;
        }

        if (_runDir is null)
        {
            throw new InvalidOperationException($"{path} not usable (CWD: {cwd.FirstLine}) and cannot create it: {_runDirError}");
        }

        var dir = Join(_runDir, ListDirName);
        await log.WriteLineAsync($"# {path} not usable (CWD: {cwd.FirstLine}); creating {_o.ListFiles} files in {dir} first (not timed)");
        await s.ExpectAsync("MKD " + dir, 257, cancellationToken);
        var made = new List<string>();
        _madeDirs.Add((dir, made));
        await s.ExpectCompletionAsync("CWD " + dir, cancellationToken);
        await s.ExpectCompletionAsync("TYPE I", cancellationToken);
        var deadline = Environment.TickCount64 + 900_000;
        for (var i = 0; i < _o.ListFiles; i++)
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"creating {dir} took longer than 900 s ({i} files made)");
            }

            var file = string.Create(CultureInfo.InvariantCulture, $"file{i:D5}.txt");
            var content = Encoding.ASCII.GetBytes(i.ToString("D63", CultureInfo.InvariantCulture) + "\n");
            await s.UploadAsync("STOR " + file, content, content.Length, TimeSpan.FromSeconds(60), cancellationToken);
            made.Add(file);
        }

        return _files[ListDirName] = dir;
    }

    private TestResult CpuPerGiB(string name, Meter m, double bytes)
        => m.HasServer
            ? TestResult.Ok(name, m.ServerCpuSeconds / (bytes / GiB), "CPU s/GiB", new() { ["server_cpu_s"] = Math.Round(m.ServerCpuSeconds, 3), ["bytes"] = bytes })
            : TestResult.Skip(name, "needs --server-pid");

    private static int CountEntries(byte[] data, string verb)
    {
        var n = 0;
        foreach (var raw in Encoding.UTF8.GetString(data).Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }

            if (verb == "MLSD")
            {
                n += line.Contains("type=file", StringComparison.OrdinalIgnoreCase) ? 1 : 0;
            }
            else if (!line.StartsWith("total ", StringComparison.OrdinalIgnoreCase) && !line.EndsWith(" .", StringComparison.Ordinal) && !line.EndsWith(" ..", StringComparison.Ordinal))
            {
                n++;
            }
        }

        return n;
    }

    internal static string Join(string dir, string name) => dir.EndsWith('/') ? dir + name : dir + "/" + name;

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    internal static string ErrorKey(Exception ex)
    {
        var message = ex.Message.Replace('\r', ' ').Replace('\n', ' ');
        return $"{ex.GetType().Name}: {(message.Length > 120 ? message[..120] : message)}";
    }

    /// <summary>4 MiB of reproducible pseudo-random bytes: the content of uploads.</summary>
    private static byte[] MakePattern()
    {
        var bytes = new byte[4 * MiB];
        ulong x = 959;
        for (var i = 0; i < bytes.Length; i += 8)
        {
            // xorshift64*: fast, fixed sequence, incompressible enough for transfer tests
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            BitConverter.TryWriteBytes(bytes.AsSpan(i), x * 2685821657736338717UL);
        }

        return bytes;
    }
}
