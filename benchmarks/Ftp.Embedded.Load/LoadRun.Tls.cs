using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using FtpWire;

namespace Ftp.Embedded.Load;

/// <summary>
/// The FTPS tests: explicit TLS on every session (AUTH TLS, then PBSZ 0 and PROT P) and on every data connection.
/// The chain is not checked: the compared servers use one generated self-signed certificate, CN=localhost, which is
/// accepted by its subject (as <see cref="FtpWireClient.UpgradeToTlsAsync(CancellationToken)"/> does on the control
/// connection). Data connections
/// use the same client authentication options as the control connection, so .NET's client TLS session cache may
/// resume the control connection's session when the server offers it (as FileZilla or curl do).
/// </summary>
internal sealed partial class LoadRun
{
    private static readonly SslClientAuthenticationOptions TlsClient = new()
    {
        TargetHost = "localhost",
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        // the generated self-signed certificate, as the wire client of the control connection accepts it: by subject only
        RemoteCertificateValidationCallback = static (_, certificate, _, _) => certificate?.Subject == "CN=localhost",
    };

    private readonly byte[] _drain = new byte[16 * 1024];

    /// <summary>What the first TLS session negotiated on its control connection and on its first data connection, for the JSON's meta.</summary>
    public Dictionary<string, object?>? TlsInfo { get; private set; }

    private void RecordTls(FtpWireClient s)
    {
        if (TlsInfo is null && s.Stream is SslStream ssl)
        {
            TlsInfo = new()
            {
                ["protocol"] = ssl.SslProtocol.ToString(),
                ["cipher_suite"] = ssl.NegotiatedCipherSuite.ToString(),
                ["server_certificate"] = ssl.RemoteCertificate?.Subject,
            };
        }
    }

    private async Task<FtpWireClient> OpenTlsAsync(string user, string password, TimeSpan timeout, int bufferSize = 4096)
    {
        var s = await FtpWireClient.ConnectAsync(_server, Wire(null, timeout, bufferSize), cancellationToken);
        try
        {
            await s.ExpectAsync("AUTH TLS", 234, cancellationToken);
            await s.UpgradeToTlsAsync(cancellationToken);
            RecordTls(s);
            await s.LoginAsync(user, password, cancellationToken);
            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>A logged-in FTPS session for transfers: PBSZ 0, PROT P, TYPE I.</summary>
    private async Task<FtpWireClient> OpenTlsDataSessionAsync()
    {
        var s = await OpenTlsAsync(_o.User!, _o.Password!, _o.Timeout);
        try
        {
            await s.ExpectAsync("PBSZ 0", 200, cancellationToken);
            await s.ExpectAsync("PROT P", 200, cancellationToken);
            await s.ExpectCompletionAsync("TYPE I", cancellationToken);
            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>PASV, the command and its 1xx reply, then the TLS handshake on the data connection (the server's side starts after the 1xx).</summary>
    private async Task<SslStream> OpenTlsDataAsync(FtpWireClient s, string command)
    {
        var socket = await s.OpenPassiveAsync(extended: false, cancellationToken);
        SslStream? ssl = null;
        try
        {
            socket.NoDelay = true;
            var start = await s.CommandAsync(command, cancellationToken);
            if (!start.IsPreliminary)
            {
                throw FtpReplyException.Unexpected(command.Split(' ')[0], "1xx", start);
            }

            ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(_o.Timeout);
            await ssl.AuthenticateAsClientAsync(TlsClient, cts.Token);
            if (TlsInfo is not null && !TlsInfo.ContainsKey("data_protocol"))
            {
                TlsInfo["data_protocol"] = ssl.SslProtocol.ToString();
                TlsInfo["data_cipher_suite"] = ssl.NegotiatedCipherSuite.ToString();
            }

            return ssl;
        }
        catch
        {
            if (ssl is not null)
            {
                await ssl.DisposeAsync();
            }
            else
            {
                socket.Dispose();
            }

            throw;
        }
    }

    private async Task<long> TlsDownloadAsync(FtpWireClient s, string command, byte[] buffer, Action<ReadOnlyMemory<byte>>? sink, TimeSpan limit)
    {
        long total = 0;
        await using (var ssl = await OpenTlsDataAsync(s, command))
        {
            var deadline = Environment.TickCount64 + (long)limit.TotalMilliseconds;
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            while (true)
            {
                cts.CancelAfter(_o.Timeout);
                int n;
                try
                {
                    n = await ssl.ReadAsync(buffer, cts.Token);
                }
                catch (IOException) when (total > 0)
                {
                    n = 0; // a server that closes without close_notify: the 2xx reply says whether all arrived
                }

                if (n == 0)
                {
                    break;
                }

                total += n;
                sink?.Invoke(buffer.AsMemory(0, n));
                if (Environment.TickCount64 > deadline)
                {
                    throw new TimeoutException($"{command} exceeded {limit.TotalSeconds:0} s after {total} bytes");
                }
            }
        }

        var end = await s.ReadReplyAsync(cancellationToken);
        return end.IsCompletion ? total : throw FtpReplyException.Unexpected(command.Split(' ')[0] + " end", "2xx", end);
    }

    private async Task<long> TlsUploadAsync(FtpWireClient s, string command, ReadOnlyMemory<byte> pattern, long size, TimeSpan limit)
    {
        long sent = 0;
        await using (var ssl = await OpenTlsDataAsync(s, command))
        {
            var deadline = Environment.TickCount64 + (long)limit.TotalMilliseconds;
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            while (sent < size)
            {
                cts.CancelAfter(_o.Timeout);
                var chunk = pattern[..(int)Math.Min(pattern.Length, size - sent)];
                await ssl.WriteAsync(chunk, cts.Token);
                sent += chunk.Length;
                if (Environment.TickCount64 > deadline)
                {
                    throw new TimeoutException($"{command} exceeded {limit.TotalSeconds:0} s after {sent} bytes");
                }
            }

            // close_notify, then wait for the server's (as ftplib's unwrap does): closing with its close_notify or a
            // session ticket unread would reset the connection, and a reset discards what the server has not read yet
            await ssl.ShutdownAsync();
            cts.CancelAfter(_o.Timeout);
            try
            {
                while (await ssl.ReadAsync(_drain, cts.Token) > 0)
                {
                }
            }
            catch (IOException)
            {
                // a server that closes without close_notify: the 2xx reply says whether all arrived
            }
        }

        var end = await s.ReadReplyAsync(cancellationToken);
        return end.IsCompletion ? sent : throw FtpReplyException.Unexpected(command.Split(' ')[0] + " end", "2xx", end);
    }

    private async Task<List<TestResult>> TlsRetrAsync(Meter m)
    {
        string path;
        using (var plain = await OpenAsync())
        {
            path = await EnsureFileAsync(plain, BigName, _o.BigBytes);
            await plain.QuitAsync(TimeSpan.FromSeconds(5));
        }

        using var s = await OpenTlsDataSessionAsync();
        var buffer = new byte[MiB];
        var rates = new List<double>();
        m.Start();
        for (var i = 0; i < _o.TransferRuns; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var got = await TlsDownloadAsync(s, "RETR " + path, buffer, null, _o.TransferLimit);
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
        return [TestResult.Ok("tls_retr_mbps", Median(rates), "MB/s", detail), CpuPerGiB("tls_retr_cpu_s_per_gib", m, _o.TransferRuns * (double)_o.BigBytes)];
    }

    private async Task<List<TestResult>> TlsStorAsync(Meter m)
    {
        var path = Join(NeedRunDir(), "tls-stor-1g.bin");
        using var s = await OpenTlsDataSessionAsync();
        await TlsUploadAsync(s, "STOR " + path, _pattern, _o.BigBytes, _o.TransferLimit); // untimed warm-up, as stor_mbps
        await s.CommandAsync("DELE " + path, cancellationToken);
        var rates = new List<double>();
        long stored = -1;
        m.Start();
        for (var i = 0; i < _o.TransferRuns; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var sent = await TlsUploadAsync(s, "STOR " + path, _pattern, _o.BigBytes, _o.TransferLimit);
            rates.Add(sent / Stopwatch.GetElapsedTime(t0).TotalSeconds / MB);
            m.Pause();
            var size = await s.CommandAsync("SIZE " + path, cancellationToken);
            stored = size.Code == 213 ? long.Parse(size.FirstLine[4..].Trim(), CultureInfo.InvariantCulture) : -1;
            await s.CommandAsync("DELE " + path, cancellationToken);
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
        return [TestResult.Ok("tls_stor_mbps", Median(rates), "MB/s", detail), CpuPerGiB("tls_stor_cpu_s_per_gib", m, _o.TransferRuns * (double)_o.BigBytes)];
    }

    private async Task<List<TestResult>> TlsSmallFilesAsync(Meter m)
    {
        var dir = Join(NeedRunDir(), "tls-small");
        var count = _o.SmallCount;
        var payloads = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var p = payloads[i] = new byte[_o.SmallBytes];
            _pattern.AsSpan((i * 8) % (_pattern.Length - p.Length), p.Length).CopyTo(p);
            Encoding.ASCII.GetBytes(i.ToString("D8", CultureInfo.InvariantCulture)).AsSpan(0, Math.Min(8, p.Length)).CopyTo(p);
        }

        using var s = await OpenTlsDataSessionAsync();
        await s.ExpectAsync("MKD " + dir, 257, cancellationToken);
        var made = new List<string>();
        _madeDirs.Add((dir, made));
        await s.ExpectCompletionAsync("CWD " + dir, cancellationToken);
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
            await TlsUploadAsync(s, "STOR " + file, payloads[i], payloads[i].Length, TimeSpan.FromSeconds(60));
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
            await TlsDownloadAsync(s, string.Create(CultureInfo.InvariantCulture, $"RETR s{i:D5}.bin"), buffer, Sink, TimeSpan.FromSeconds(60));
            bad += received.GetBuffer().AsSpan(0, (int)received.Length).SequenceEqual(payloads[i]) ? 0 : 1;
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
            return [TestResult.Error("tls_small_files_ops", $"{bad} of {count} files came back different", detail)];
        }

        detail["files"] = count;
        detail["file_bytes"] = _o.SmallBytes;
        detail["stor_ops_s"] = Math.Round(count / Stopwatch.GetElapsedTime(t0, t1).TotalSeconds, 1);
        detail["retr_ops_s"] = Math.Round(count / Stopwatch.GetElapsedTime(t1, t2).TotalSeconds, 1);
        return [TestResult.Ok("tls_small_files_ops", 2 * count / (double)detail["wall_s"]!, "ops/s", detail)];
    }
}
