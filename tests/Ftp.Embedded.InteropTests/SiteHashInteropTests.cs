namespace Ftp.Embedded.InteropTests;

/// <summary>HASH and XCRC/XMD5 against Python's hashlib and zlib; SITE UTIME as lftp sends it in both of its forms.</summary>
public sealed class SiteHashInteropTests(InteropServer server) : IClassFixture<InteropServer>
{
    [Fact]
    public async Task Python_ftplib_HASH_RANG_and_XCRC_match_hashlib_and_zlib()
    {
        var script = $$"""
            import ftplib, hashlib, io, random, zlib
            ftp = ftplib.FTP()
            ftp.connect("127.0.0.1", {{server.Port}}, timeout=60)
            ftp.login("alice", "secret")
            feat = ftp.sendcmd("FEAT")
            assert " HASH SHA-1;SHA-256*;SHA-512;MD5;CRC32" in feat.splitlines(), feat
            digests = {
                "SHA-1": lambda d: hashlib.sha1(d).hexdigest(),
                "SHA-256": lambda d: hashlib.sha256(d).hexdigest(),
                "SHA-512": lambda d: hashlib.sha512(d).hexdigest(),
                "MD5": lambda d: hashlib.md5(d).hexdigest(),
                "CRC32": lambda d: "%08x" % zlib.crc32(d),
            }
            for size in (0, 1000, 3 * 1024 * 1024 + 5):
                data = random.Random(size).randbytes(size)
                name = "hash-%d.bin" % size
                ftp.storbinary("STOR " + name, io.BytesIO(data))
                for alg, digest in digests.items():
                    assert ftp.sendcmd("OPTS HASH " + alg) == "200 " + alg
                    reply = ftp.sendcmd("HASH " + name)
                    assert reply == "213 %s 0-%d %s %s" % (alg, size, digest(data), name), reply
                ftp.sendcmd("OPTS HASH SHA-256")
                if size > 100:
                    assert ftp.sendcmd("RANG 10 99").startswith("350 ")
                    reply = ftp.sendcmd("HASH " + name)
                    assert reply == "213 SHA-256 10-99 %s %s" % (hashlib.sha256(data[10:100]).hexdigest(), name), reply
                assert ftp.sendcmd("XCRC " + name) == "250 %08X" % zlib.crc32(data)
                half = size // 2
                assert ftp.sendcmd("XMD5 %s 0 %d" % (name, half)) == "250 " + hashlib.md5(data[:half]).hexdigest().upper()
                assert ftp.sendcmd("XSHA512 " + name) == "250 " + hashlib.sha512(data).hexdigest().upper()
            try:
                ftp.sendcmd("OPTS HASH SHA-3")
                raise AssertionError("OPTS HASH SHA-3 accepted")
            except ftplib.error_perm as e:
                assert str(e).startswith("504"), e
            ftp.quit()
            print("ok")
            """;
        var result = (await Client.RunAsync("python3", ["-c", script])).ShouldSucceed();
        result.Output.Trim().Should().Be("ok");
    }

    /// <summary>
    /// lftp uses MFMT when FEAT offers it; without FEAT it falls back to SITE UTIME, in the form its settings choose.
    /// Its mirror also sends SITE CHMOD with the local file's mode.
    /// </summary>
    [Theory]
    [InlineData("set ftp:use-site-utime2 false", "---> SITE UTIME timed.bin 20200102030405 20200102030405 20200102030405 UTC")]
    [InlineData("set ftp:use-site-utime false", "---> SITE UTIME 20200102030405 timed.bin")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Lftp_mirror_sets_upload_times_with_SITE_UTIME_and_modes_with_SITE_CHMOD(string setting, string sent)
    {
        var source = server.NewLocalDirectory();
        var file = Path.Combine(source, "timed.bin");
        await File.WriteAllBytesAsync(file, [1, 2, 3]);
        var time = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(file, time);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var remote = "utime-" + Guid.NewGuid().ToString("N")[..8];
        var log = Path.Combine(server.NewLocalDirectory(), "lftp.log");
        (await Client.RunAsync("lftp",
        [
            "-c",
            $"set cmd:fail-exit yes; set net:max-retries 1; set net:timeout 20; set ftp:ssl-allow no; set ftp:use-feat false; {setting}; debug -o {log} 9; " +
            $"open -u alice,secret -p {server.Port} 127.0.0.1; mkdir {remote}; mirror -R {source} {remote}",
        ])).ShouldSucceed();
        var trace = await File.ReadAllTextAsync(log);
        trace.Should().Contain(sent + "\n<--- 200 ").And.Contain("---> SITE CHMOD 640 ");
        var uploaded = Path.Combine(server.Home, remote, "timed.bin");
        File.GetLastWriteTimeUtc(uploaded).Should().Be(time);
        File.GetUnixFileMode(uploaded).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
    }
}
