namespace Ftp.Embedded.InteropTests;

public sealed class PythonFtplibTests(InteropServer server) : IClassFixture<InteropServer>
{
    private async Task<string> Python(string script)
    {
        var prelude = $$"""
            import ftplib, io, os, random, socket, sys
            ftp = ftplib.FTP()
            ftp.connect("127.0.0.1", {{server.Port}}, timeout=30)
            ftp.login("alice", "secret")

            """;
        var result = await Client.RunAsync("python3", ["-c", prelude + script]);
        result.ShouldSucceed();
        return result.Output;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Binary_round_trips_are_exact(bool passive)
    {
        var output = await Python($$"""
            ftp.set_pasv({{(passive ? "True" : "False")}})
            for size in (0, 1, 65536, 3 * 1024 * 1024 + 5):
                data = random.Random(size).randbytes(size)
                name = "py-%d-{{passive}}.bin" % size
                ftp.storbinary("STOR " + name, io.BytesIO(data))
                out = io.BytesIO()
                ftp.retrbinary("RETR " + name, out.write)
                assert out.getvalue() == data, name
                assert ftp.size(name) == size
            print("ok")
            """);
        output.Trim().Should().Be("ok");
        (await File.ReadAllBytesAsync(Path.Combine(server.Home, $"py-1-{passive}.bin"))).Should().HaveCount(1);
    }

    [Fact]
    public async Task Mlsd_nlst_and_directories()
    {
        var output = await Python("""
            ftp.mkd("pydir")
            ftp.cwd("pydir")
            ftp.storbinary("STOR one.txt", io.BytesIO(b"1"))
            ftp.mkd("inner")
            facts = dict(ftp.mlsd())
            assert facts["one.txt"]["type"] == "file" and facts["one.txt"]["size"] == "1", facts
            assert facts["inner"]["type"] == "dir", facts
            assert sorted(ftp.nlst()) == ["inner", "one.txt"], ftp.nlst()
            assert ftp.pwd() == "/pydir"
            ftp.rename("one.txt", "two.txt")
            ftp.delete("two.txt")
            ftp.rmd("inner")
            ftp.cwd("..")
            ftp.rmd("pydir")
            print("ok")
            """);
        output.Trim().Should().Be("ok");
    }

    [Fact]
    public async Task Ascii_mode_converts_line_ends()
    {
        await File.WriteAllTextAsync(Path.Combine(server.Home, "lines.txt"), "one\ntwo\nthree\n");
        var output = await Python("""
            lines = []
            ftp.retrlines("RETR lines.txt", lines.append)
            assert lines == ["one", "two", "three"], lines
            ftp.storlines("STOR stored.txt", io.BytesIO(b"a\nb\n"))
            print("ok")
            """);
        output.Trim().Should().Be("ok");
        (await File.ReadAllTextAsync(Path.Combine(server.Home, "stored.txt"))).Should().Be("a\nb\n");
    }

    [Fact]
    public async Task Abort_during_a_large_download()
    {
        await File.WriteAllBytesAsync(Path.Combine(server.Home, "large.bin"), new byte[64 * 1024 * 1024]);
        var output = await Python("""
            ftp.voidcmd("TYPE I")
            conn = ftp.transfercmd("RETR large.bin")
            conn.recv(65536)
            resp = ftp.abort()
            conn.close()
            assert resp.startswith("426"), resp
            assert ftp.voidresp().startswith("226")
            assert ftp.voidcmd("NOOP").startswith("200")
            print("ok")
            """);
        output.Trim().Should().Be("ok");
    }
}
