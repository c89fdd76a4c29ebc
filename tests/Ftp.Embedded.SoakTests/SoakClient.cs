using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using FtpWire;

namespace Ftp.Embedded.SoakTests;

/// <summary>An upload the server answered with 226: where it is stored, its length and its SHA-256.</summary>
internal sealed record UploadRecord(string Home, string Name, int Length, byte[] Sha256)
{
    public string StoredPath => Home + "/" + Name;
}

/// <summary>
/// One soak client. It loops until told to stop: connect from its own loopback address, log in as alice or anonymous,
/// then a few rounds of PASV or EPSV, STOR of a random file (0 to 1 MiB, unique name, random bytes), RETR of it compared
/// byte for byte, and now and then LIST, ABOR in the middle of a transfer, a reset data connection (RST) or a reset
/// control connection; the session ends with QUIT, a plain close or a reset, and it connects again. Every upload the
/// server acknowledged with 226 is recorded; the oldest are checked through the filesystem and deleted with DELE, so
/// memory stays bounded however long it runs.
/// </summary>
internal sealed class SoakClient
{
    private const int MaxFileSize = 1024 * 1024;
    private const int KeptFiles = 2;
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(60);
    private static readonly int[] EdgeSizes = [0, 1, 2, 65_535, 65_536, 65_537, 262_143, 262_144, 262_145, MaxFileSize - 1, MaxFileSize];
    private static readonly byte[] TelnetInterrupt = [0xFF, 0xF4, 0xFF];
    private static readonly byte[] TelnetSynch = [0xF2];

    private readonly int _id;
    private readonly IPEndPoint _server;
    private readonly FtpWireOptions _wire;
    private readonly InMemoryFileSystem _fileSystem;
    private SoakStats _stats = new();
    private readonly Random _random;
    private readonly byte[] _content = new byte[MaxFileSize];
    private readonly byte[] _chunk = new byte[64 * 1024];
    private readonly Queue<UploadRecord> _files = new();
    private int _sequence;

    public SoakClient(int id, IPAddress local, IPEndPoint server, InMemoryFileSystem fileSystem, int seed)
    {
        _id = id;
        Local = local;
        _server = server;
        _fileSystem = fileSystem;
        _random = new Random(HashCode.Combine(seed, id));
        // The greeting is read here (421 is counted, not an error); lines longer than 8 KiB are an error.
        _wire = new FtpWireOptions
        {
            Source = local, NoDelay = true, ExpectGreeting = false, Timeout = OperationTimeout, BufferSize = 8 * 1024, MaxLineLength = 8 * 1024,
        };
    }

    public IPAddress Local { get; }

    /// <summary>The uploads still stored, not yet checked and deleted.</summary>
    public IReadOnlyCollection<UploadRecord> Files => _files;

    private enum Round
    {
        Plain,
        AbortUpload,
        AbortDownload,
        ResetDataUpload,
        ResetDataDownload,
        ResetControlUpload,
        ResetControlDownload,
    }

    /// <summary>Runs sessions until <paramref name="stop"/> is set, counting into <paramref name="stats"/>; <paramref name="hardStop"/> cuts whatever runs.</summary>
    public async Task RunAsync(SoakStats stats, CancellationToken stop, CancellationToken hardStop)
    {
        _stats = stats;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await SessionAsync(stop, hardStop);
            }
            catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
            {
                _stats.Error($"client {_id}: still busy when the load should have stopped");
                return;
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or InvalidDataException)
            {
                _stats.Error($"client {_id}: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    /// <summary>Checks every stored upload through the filesystem, byte for byte by hash, and deletes it.</summary>
    public async Task VerifyAndDeleteRemainingAsync(SoakStats stats)
    {
        _stats = stats;
        while (_files.TryDequeue(out var record))
        {
            await VerifyStoredAsync(record);
            await _fileSystem.DeleteFileAsync(record.StoredPath, CancellationToken.None);
            SoakStats.Add(ref _stats.FilesDeleted);
        }
    }

    private async Task SessionAsync(CancellationToken stop, CancellationToken hardStop)
    {
        using var control = await Bounded(t => FtpWireClient.ConnectAsync(_server, _wire, t), hardStop);
        SoakStats.Add(ref _stats.Sessions);
        var greeting = await Bounded(control.ReadReplyAsync, hardStop);
        if (greeting.Code == 421)
        {
            SoakStats.Add(ref _stats.Refused);
            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
            return;
        }

        Expect("greeting", greeting, 220);
        var anonymous = _random.Next(10) < 3;
        var home = anonymous ? "/pub" : "/home/alice";
        Expect("USER", await Command(control, anonymous ? "USER anonymous" : "USER alice", hardStop), 331);
        if (!Expect("PASS", await Command(control, anonymous ? "PASS soak@example.com" : "PASS secret", hardStop), 230))
        {
            return;
        }

        SoakStats.Add(ref _stats.Logins);
        Expect("TYPE", await Command(control, "TYPE I", hardStop), 200);
        for (var rounds = _random.Next(1, 5); rounds > 0 && !stop.IsCancellationRequested; rounds--)
        {
            var round = _random.Next(100) switch
            {
                < 5 => Round.AbortUpload,
                < 10 => Round.AbortDownload,
                < 14 => Round.ResetDataUpload,
                < 18 => Round.ResetDataDownload,
                < 20 => Round.ResetControlUpload,
                < 22 => Round.ResetControlDownload,
                _ => Round.Plain,
            };
            if (!await RoundAsync(control, home, round, hardStop))
            {
                return; // The control connection was reset on purpose.
            }

            if (_random.Next(10) < 3)
            {
                await ListAsync(control, hardStop);
            }

            while (_files.Count > KeptFiles)
            {
                await RetireAsync(control, home, hardStop);
            }
        }

        switch (_random.Next(10))
        {
            case < 7:
                Expect("QUIT", await Command(control, "QUIT", hardStop), 221);
                await Bounded(control.ExpectClosedAsync, hardStop);
                SoakStats.Add(ref _stats.Quits);
                break;
            case < 9:
                control.Close();
                SoakStats.Add(ref _stats.Closes);
                break;
            default:
                control.Reset();
                SoakStats.Add(ref _stats.Resets);
                break;
        }
    }

    /// <summary>One round; false when it reset the control connection (the session is over).</summary>
    private async Task<bool> RoundAsync(FtpWireClient control, string home, Round round, CancellationToken hardStop)
    {
        var size = NextSize();
        _random.NextBytes(_content.AsSpan(0, size));
        var name = string.Create(CultureInfo.InvariantCulture, $"c{_id:D3}-{++_sequence:D7}.bin");
        var stored = home + "/" + name;
        switch (round)
        {
            case Round.AbortUpload or Round.ResetDataUpload or Round.ResetControlUpload:
                return await CutUploadAsync(control, name, stored, size, round, hardStop);
            default:
                if (!await UploadAsync(control, name, stored, size, hardStop))
                {
                    return true;
                }

                return round == Round.Plain
                    ? await DownloadAsync(control, name, size, hardStop)
                    : await CutDownloadAsync(control, name, size, round, hardStop);
        }
    }

    private async Task<bool> UploadAsync(FtpWireClient control, string name, string stored, int size, CancellationToken hardStop)
    {
        using var data = await OpenPassiveAsync(control, hardStop);
        if (data is null)
        {
            return false;
        }

        if (!Expect("STOR", await Command(control, $"STOR {name}", hardStop), 150))
        {
            return false;
        }

        await Bounded(t => FtpWireClient.SendAllAsync(data, _content.AsMemory(0, size), t), hardStop);
        data.Shutdown(SocketShutdown.Send);
        data.Dispose();
        var done = await Bounded(control.ReadReplyAsync, hardStop);
        if (!Expect("STOR end", done, 226))
        {
            return false;
        }

        SoakStats.Add(ref _stats.UploadsCompleted);
        SoakStats.Add(ref _stats.BytesUploaded, size);
        _files.Enqueue(new UploadRecord(VirtualHome(stored), name, size, SHA256.HashData(_content.AsSpan(0, size))));
        return true;
    }

    private async Task<bool> DownloadAsync(FtpWireClient control, string name, int size, CancellationToken hardStop)
    {
        using var data = await OpenPassiveAsync(control, hardStop);
        if (data is null || !Expect("RETR", await Command(control, $"RETR {name}", hardStop), 150))
        {
            return true;
        }

        var (received, same) = await Bounded(t => ReceiveAndCompareAsync(data, size, int.MaxValue, t), hardStop);
        var done = await Bounded(control.ReadReplyAsync, hardStop);
        if (Expect("RETR end", done, 226))
        {
            if (same && received == size)
            {
                SoakStats.Add(ref _stats.DownloadsVerified);
                SoakStats.Add(ref _stats.BytesDownloaded, received);
            }
            else
            {
                _stats.Error($"client {_id}: RETR {name} returned {received} bytes that differ from the {size} uploaded");
            }
        }

        return true;
    }

    /// <summary>An upload cut by ABOR, by a reset data connection, or by a reset control connection.</summary>
    private async Task<bool> CutUploadAsync(FtpWireClient control, string name, string stored, int size, Round round, CancellationToken hardStop)
    {
        using var data = await OpenPassiveAsync(control, hardStop);
        if (data is null || !Expect("STOR", await Command(control, $"STOR {name}", hardStop), 150))
        {
            return true;
        }

        await Bounded(t => FtpWireClient.SendAllAsync(data, _content.AsMemory(0, _random.Next(size + 1)), t), hardStop);
        switch (round)
        {
            case Round.ResetControlUpload:
                FtpWireClient.Reset(data);
                control.Reset();
                SoakStats.Add(ref _stats.ControlResets);
                return false;
            case Round.ResetDataUpload:
                FtpWireClient.Reset(data);
                Expect("STOR cut by RST", await Bounded(control.ReadReplyAsync, hardStop), 426);
                SoakStats.Add(ref _stats.DataResetUploads);
                break;
            default:
                await SendAbortAsync(control, hardStop);
                Expect("STOR aborted", await Bounded(control.ReadReplyAsync, hardStop), 426);
                Expect("ABOR", await Bounded(control.ReadReplyAsync, hardStop), 226);
                SoakStats.Add(ref _stats.AbortedUploads);
                break;
        }

        // Uploads are atomic: one that did not end cleanly leaves nothing under its name.
        if (await _fileSystem.GetInfoAsync(stored, CancellationToken.None) is not null)
        {
            _stats.Error($"client {_id}: the cut upload {stored} left a file");
        }

        return true;
    }

    /// <summary>A download cut by ABOR, by a reset data connection, or by a reset control connection.</summary>
    private async Task<bool> CutDownloadAsync(FtpWireClient control, string name, int size, Round round, CancellationToken hardStop)
    {
        using var data = await OpenPassiveAsync(control, hardStop);
        if (data is null || !Expect("RETR", await Command(control, $"RETR {name}", hardStop), 150))
        {
            return true;
        }

        var (received, same) = await Bounded(t => ReceiveAndCompareAsync(data, size, _random.Next(size + 1), t), hardStop);
        if (!same)
        {
            _stats.Error($"client {_id}: the first {received} bytes of RETR {name} differ from the upload");
        }

        switch (round)
        {
            case Round.ResetControlDownload:
                FtpWireClient.Reset(data);
                control.Reset();
                SoakStats.Add(ref _stats.ControlResets);
                return false;
            case Round.ResetDataDownload:
                FtpWireClient.Reset(data);
                // 226 when the whole file was already in the socket buffers before the reset.
                Expect("RETR cut by RST", await Bounded(control.ReadReplyAsync, hardStop), 426, 226);
                SoakStats.Add(ref _stats.DataResetDownloads);
                return true;
            default:
                await SendAbortAsync(control, hardStop);
                // 426 then 226 when ABOR cut the transfer; 226 first when the transfer had already ended.
                var first = await Bounded(control.ReadReplyAsync, hardStop);
                if (Expect("RETR aborted", first, 426, 226))
                {
                    // After a 226 the ABOR finds no transfer (225), or finds it just finishing (226).
                    var abor = await Bounded(control.ReadReplyAsync, hardStop);
                    _ = first.Code == 426 ? Expect("ABOR", abor, 226) : Expect("ABOR", abor, 225, 226);
                }

                SoakStats.Add(ref _stats.AbortedDownloads);
                return true;
        }
    }

    private async Task ListAsync(FtpWireClient control, CancellationToken hardStop)
    {
        using var data = await OpenPassiveAsync(control, hardStop);
        var command = _random.Next(3) switch
        {
            0 => "LIST",
            1 => "NLST",
            _ => "MLSD",
        };
        if (data is null || !Expect(command, await Command(control, command, hardStop), 150))
        {
            return;
        }

        await Bounded(t => FtpWireClient.DrainAsync(data, _chunk, t), hardStop);
        if (Expect($"{command} end", await Bounded(control.ReadReplyAsync, hardStop), 226))
        {
            SoakStats.Add(ref _stats.Listings);
        }
    }

    /// <summary>
    /// Checks the oldest stored upload through the filesystem, then deletes it: with DELE when it lies in this session's
    /// home, through the filesystem when an earlier session of the other user stored it.
    /// </summary>
    private async Task RetireAsync(FtpWireClient control, string home, CancellationToken hardStop)
    {
        var record = _files.Dequeue();
        await VerifyStoredAsync(record);
        if (record.Home != home)
        {
            await _fileSystem.DeleteFileAsync(record.StoredPath, CancellationToken.None);
            SoakStats.Add(ref _stats.FilesDeleted);
        }
        else if (Expect("DELE", await Command(control, $"DELE {record.Name}", hardStop), 250))
        {
            SoakStats.Add(ref _stats.FilesDeleted);
        }
    }

    private async Task VerifyStoredAsync(UploadRecord record)
    {
        var info = await _fileSystem.GetInfoAsync(record.StoredPath, CancellationToken.None);
        if (info is null || info.Length != record.Length)
        {
            _stats.Error($"client {_id}: {record.StoredPath} is {(info is null ? "missing" : $"{info.Length} bytes")}, the upload was {record.Length}");
            return;
        }

        await using var stream = await _fileSystem.OpenReadAsync(record.StoredPath, 0, CancellationToken.None);
        var hash = await SHA256.HashDataAsync(stream);
        if (!hash.AsSpan().SequenceEqual(record.Sha256))
        {
            _stats.Error($"client {_id}: {record.StoredPath} holds other bytes than the upload");
            return;
        }

        SoakStats.Add(ref _stats.FilesVerified);
    }

    private async Task<Socket?> OpenPassiveAsync(FtpWireClient control, CancellationToken hardStop)
    {
        var extended = _random.Next(2) == 0;
        var reply = await Command(control, extended ? "EPSV" : "PASV", hardStop);
        if (reply.Code == 425)
        {
            SoakStats.Add(ref _stats.PassiveRefused);
        }

        if (!Expect(extended ? "EPSV" : "PASV", reply, extended ? 229 : 227))
        {
            return null;
        }

        // From this client's address to the port named, on the server's address.
        return await Bounded(t => control.ConnectPassiveAsync(reply, t), hardStop);
    }

    private async Task SendAbortAsync(FtpWireClient control, CancellationToken hardStop)
    {
        if (_random.Next(2) == 0)
        {
            // Telnet IP, then Synch (IAC as normal data, DM as urgent data), as RFC 959 describes for ABOR.
            await Bounded(t => control.SendRawAsync(TelnetInterrupt, t), hardStop);
            await Bounded(t => control.SendUrgentAsync(TelnetSynch, t), hardStop);
        }

        await Bounded(t => control.SendAsync("ABOR", t), hardStop);
    }

    /// <summary>Receives until the end (or <paramref name="stopAfter"/> bytes), comparing with what was uploaded.</summary>
    private async Task<(int Received, bool Same)> ReceiveAndCompareAsync(Socket data, int size, int stopAfter, CancellationToken cancellationToken)
    {
        var received = 0;
        var same = true;
        while (received < stopAfter || stopAfter == int.MaxValue)
        {
            var want = stopAfter == int.MaxValue ? _chunk.Length : Math.Min(_chunk.Length, stopAfter - received);
            if (want == 0)
            {
                break;
            }

            var read = await data.ReceiveAsync(_chunk.AsMemory(0, want), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                break;
            }

            same &= received + read <= size && _chunk.AsSpan(0, read).SequenceEqual(_content.AsSpan(received, read));
            received += read;
        }

        return (received, same);
    }

    private static string VirtualHome(string stored) => stored[..stored.LastIndexOf('/')];

    private int NextSize() => _random.Next(100) switch
    {
        < 10 => EdgeSizes[_random.Next(EdgeSizes.Length)],
        _ => _random.Next(MaxFileSize + 1),
    };

    private bool Expect(string what, FtpReply reply, params int[] codes)
    {
        if (codes.Contains(reply.Code))
        {
            return true;
        }

        _stats.Error($"client {_id}: {what}: expected {string.Join(" or ", codes)}, got {reply}");
        return false;
    }

    private static Task<FtpReply> Command(FtpWireClient control, string line, CancellationToken hardStop)
        => Bounded(t => control.CommandAsync(line, t), hardStop);

    /// <summary>Runs one operation within <see cref="OperationTimeout"/> and the hard stop.</summary>
    private static async Task<T> Bounded<T>(Func<CancellationToken, Task<T>> operation, CancellationToken hardStop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(hardStop);
        timeout.CancelAfter(OperationTimeout);
        return await operation(timeout.Token);
    }

    private static async Task Bounded(Func<CancellationToken, Task> operation, CancellationToken hardStop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(hardStop);
        timeout.CancelAfter(OperationTimeout);
        await operation(timeout.Token);
    }
}
