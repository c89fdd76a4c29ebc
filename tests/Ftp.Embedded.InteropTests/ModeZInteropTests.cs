namespace Ftp.Embedded.InteropTests;

/// <summary>MODE Z with real clients: lftp's own MODE Z, and Python's zlib over ftplib's raw data connections.</summary>
public sealed class ModeZInteropTests(InteropServer server) : IClassFixture<InteropServer>
{
    [Fact]
    public async Task Lftp_uploads_downloads_and_lists_in_MODE_Z_byte_exact()
    {
        var local = server.NewLocalDirectory();
        var text = string.Concat(Enumerable.Range(0, 60_000).Select(i => $"line {i % 100} of a compressible file\n"));
        var random = Client.RandomBytes(2 * 1024 * 1024 + 3, seed: 5);
        await File.WriteAllTextAsync(Path.Combine(local, "text.txt"), text);
        await File.WriteAllBytesAsync(Path.Combine(local, "random.bin"), random);
        var log = Path.Combine(local, "lftp.log");
        var back = server.NewLocalDirectory();

        (await Client.RunAsync("lftp",
        [
            "-c",
            $"set cmd:fail-exit yes; set net:max-retries 1; set net:timeout 20; set ftp:ssl-allow no; set ftp:use-mode-z true; " +
            $"set ftp:mode-z-level 9; debug -o {log} 5; open -u alice,secret -p {server.Port} 127.0.0.1; " +
            $"put {local}/text.txt -o lz-text.txt; put {local}/random.bin -o lz-random.bin; " +
            $"get lz-text.txt -o {back}/text.txt; get lz-random.bin -o {back}/random.bin; cls -l",
        ])).ShouldSucceed().Output.Should().Contain("lz-text.txt");

        (await File.ReadAllTextAsync(Path.Combine(server.Home, "lz-text.txt"))).Should().Be(text);
        (await File.ReadAllBytesAsync(Path.Combine(server.Home, "lz-random.bin"))).Should().Equal(random);
        (await File.ReadAllTextAsync(Path.Combine(back, "text.txt"))).Should().Be(text);
        (await File.ReadAllBytesAsync(Path.Combine(back, "random.bin"))).Should().Equal(random);
        var trace = await File.ReadAllTextAsync(log);
        trace.Should().Contain("---> MODE Z").And.Contain("<--- 200 Mode set to Z.");
        trace.Should().NotContain("<--- 5", "no command was refused");

        // Resuming: REST is refused in MODE Z (504), and lftp falls back to the whole file.
        await File.WriteAllBytesAsync(Path.Combine(back, "random.bin"), random[..100_000]);
        var resumeLog = Path.Combine(local, "resume.log");
        (await Client.RunAsync("lftp",
        [
            "-c",
            $"set cmd:fail-exit yes; set net:max-retries 2; set net:timeout 20; set ftp:ssl-allow no; set ftp:use-mode-z true; " +
            $"debug -o {resumeLog} 5; open -u alice,secret -p {server.Port} 127.0.0.1; get -c lz-random.bin -o {back}/random.bin",
        ])).ShouldSucceed();
        (await File.ReadAllBytesAsync(Path.Combine(back, "random.bin"))).Should().Equal(random);
        (await File.ReadAllTextAsync(resumeLog)).Should().Contain("---> REST 100000").And.Contain("<--- 504 REST is not available in MODE Z");
    }

    [Fact]
    public async Task Python_zlib_over_ftplib_round_trips_and_sees_the_level()
    {
        var result = await Client.RunAsync("python3", ["-c", $$"""
            import ftplib, random, socket, zlib
            ftp = ftplib.FTP()
            ftp.connect("127.0.0.1", {{server.Port}}, timeout=30)
            ftp.login("alice", "secret")
            ftp.voidcmd("TYPE I")
            assert "MODE Z" in ftp.sendcmd("FEAT")
            assert ftp.sendcmd("MODE Z").startswith("200")

            def store(name, wire):
                conn = ftp.transfercmd("STOR " + name)
                conn.sendall(wire)
                conn.close()
                return ftp.getresp()

            def retrieve(command):
                conn = ftp.transfercmd(command)
                chunks = []
                while True:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
                conn.close()
                assert ftp.voidresp().startswith("226")
                return b"".join(chunks)

            text = b"".join(b"row %d of a table that repeats itself\n" % (i % 50) for i in range(200000))
            noise = random.Random(3).randbytes(3 * 1024 * 1024 + 1)
            for name, data in (("py-text.bin", text), ("py-noise.bin", noise), ("py-empty.bin", b"")):
                assert store(name, zlib.compress(data, 6)).startswith("226"), name
                assert zlib.decompress(retrieve("RETR " + name)) == data, name

            ftp.sendcmd("OPTS MODE Z LEVEL 1")
            fast = retrieve("RETR py-text.bin")
            ftp.sendcmd("OPTS MODE Z LEVEL 9")
            best = retrieve("RETR py-text.bin")
            assert zlib.decompress(fast) == text and zlib.decompress(best) == text
            assert len(best) < len(fast) < len(text) // 20, (len(best), len(fast))
            assert b"py-text.bin" in zlib.decompress(retrieve("NLST"))

            try:
                store("py-text.bin", zlib.compress(text)[:5000])
                raise SystemExit("a cut stream was accepted")
            except ftplib.error_temp as e:
                assert str(e).startswith("426"), e
            ftp.sendcmd("MODE S")
            out = []
            ftp.retrbinary("RETR py-text.bin", out.append)
            assert b"".join(out) == text
            print("ok")
            """]);
        result.ShouldSucceed().Output.Trim().Should().Be("ok");
    }
}
