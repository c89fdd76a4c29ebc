using System.Runtime.Versioning;

namespace Ftp.Embedded.InteropTests;

/// <summary>
/// The machine's accounts through PAM with python3's ftplib: the kernel checks each user's own permissions, uploads
/// belong to the user, and no thread of the server keeps a user's ids afterwards (checked after every test).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SystemUserTests(SystemUserServer fixture) : IClassFixture<SystemUserServer>, IDisposable
{
    private static async Task<string> Python(FtpServer server, TestAccount account, string script, string? password = null)
    {
        var prelude = $$"""
            import ftplib, io, os, sys
            ftp = ftplib.FTP()
            ftp.connect("127.0.0.1", {{server.EndPoints[0].Port}}, timeout=30)
            ftp.login("{{account.Name}}", "{{password ?? account.Password}}")

            """;
        var result = await Client.RunAsync("python3", ["-c", prelude + script]);
        result.ShouldSucceed();
        return result.Output.Trim();
    }

    private static async Task<string> Owner(string path)
        => (await Client.RunAsync("stat", ["-c", "%u:%g %a", path])).ShouldSucceed().Output.Trim();

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    [SystemUserFact]
    public async Task The_right_password_logs_in_and_a_wrong_one_gets_530()
    {
        (await Python(fixture.HomeServer, fixture.Alice, "print(ftp.pwd())")).Should().Be("/");
        var script = $$"""
            import ftplib
            ftp = ftplib.FTP()
            ftp.connect("127.0.0.1", {{fixture.HomeServer.EndPoints[0].Port}}, timeout=30)
            for name, password in (("{{fixture.Alice.Name}}", "wrong"), ("{{fixture.Alice.Name}}", "{{fixture.Bob.Password}}"), ("fte-nobody-here", "x")):
                try:
                    ftp.login(name, password)
                    print("logged in")
                except ftplib.error_perm as e:
                    print(str(e)[:3])
            """;
        var result = (await Client.RunAsync("python3", ["-c", script])).ShouldSucceed();
        result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal("530", "530", "530");
    }

    [SystemUserFact]
    public async Task Uploads_and_directories_belong_to_the_user_in_its_home()
    {
        var output = await Python(fixture.HomeServer, fixture.Alice, """
            ftp.storbinary("STOR up.txt", io.BytesIO(b"hello"))
            ftp.mkd("dir")
            ftp.storbinary("STOR dir/inner.txt", io.BytesIO(b"inner"))
            out = io.BytesIO()
            ftp.retrbinary("RETR up.txt", out.write)
            print(out.getvalue().decode())
            """);
        output.Should().Be("hello");
        var owner = $"{fixture.Alice.UserId}:{fixture.Alice.GroupId}";
        (await Owner(Path.Combine(fixture.Alice.Home, "up.txt"))).Should().Be(owner + " 644");
        (await Owner(Path.Combine(fixture.Alice.Home, "dir"))).Should().Be(owner + " 755");
        (await Owner(Path.Combine(fixture.Alice.Home, "dir", "inner.txt"))).Should().Be(owner + " 644");
    }

    [SystemUserFact]
    public async Task A_user_cannot_read_another_users_0600_file_in_a_shared_root()
    {
        var name = Unique("bob-private-");
        var output = await Python(fixture.SharedServer, fixture.Bob, $$"""
            ftp.storbinary("STOR {{name}}", io.BytesIO(b"secret"))
            print("stored")
            """);
        output.Should().Be("stored");
        var path = Path.Combine(fixture.Shared, name);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        (await Owner(path)).Should().Be($"{fixture.Bob.UserId}:{fixture.Bob.GroupId} 600");

        output = await Python(fixture.SharedServer, fixture.Alice, $$"""
            try:
                ftp.retrbinary("RETR {{name}}", lambda b: None)
                print("read")
            except ftplib.error_perm as e:
                print(str(e))
            """);
        output.Should().StartWith("550");
        (await Python(fixture.SharedServer, fixture.Bob, $$"""
            out = io.BytesIO()
            ftp.retrbinary("RETR {{name}}", out.write)
            print(out.getvalue().decode())
            """)).Should().Be("secret");
    }

    [SystemUserFact]
    public async Task A_user_cannot_write_into_its_own_0555_directory_nor_list_a_0700_one_of_another()
    {
        var readOnly = Unique("ro-");
        var closed = Unique("closed-");
        await Python(fixture.SharedServer, fixture.Alice, $"ftp.mkd(\"{readOnly}\")");
        await Python(fixture.SharedServer, fixture.Bob, $"ftp.mkd(\"{closed}\")");
        File.SetUnixFileMode(Path.Combine(fixture.Shared, readOnly), (UnixFileMode)0b101_101_101);
        File.SetUnixFileMode(Path.Combine(fixture.Shared, closed), (UnixFileMode)0b111_000_000);
        var output = await Python(fixture.SharedServer, fixture.Alice, $$"""
            for command in (lambda: ftp.storbinary("STOR {{readOnly}}/x.txt", io.BytesIO(b"x")),
                            lambda: ftp.mkd("{{readOnly}}/sub"),
                            lambda: ftp.retrlines("LIST {{closed}}", lambda l: None),
                            lambda: ftp.storbinary("STOR {{closed}}/x.txt", io.BytesIO(b"x"))):
                try:
                    command()
                    print("done")
                except ftplib.error_perm as e:
                    print(str(e)[:3])
            """);
        output.Split('\n').Should().Equal("550", "550", "550", "550");
        Directory.EnumerateFileSystemEntries(Path.Combine(fixture.Shared, readOnly)).Should().BeEmpty();
        Directory.EnumerateFileSystemEntries(Path.Combine(fixture.Shared, closed)).Should().BeEmpty();
    }

    [SystemUserFact]
    public async Task A_user_deletes_and_renames_its_own_files_but_not_another_users_under_the_sticky_bit()
    {
        var mine = Unique("alice-");
        var theirs = Unique("bob-");
        await Python(fixture.SharedServer, fixture.Bob, $"ftp.storbinary(\"STOR {theirs}\", io.BytesIO(b\"b\"))");
        var output = await Python(fixture.SharedServer, fixture.Alice, $$"""
            ftp.storbinary("STOR {{mine}}", io.BytesIO(b"a"))
            ftp.rename("{{mine}}", "{{mine}}.renamed")
            print(ftp.delete("{{mine}}.renamed")[:3])
            for command in (lambda: ftp.delete("{{theirs}}"), lambda: ftp.rename("{{theirs}}", "{{theirs}}.taken")):
                try:
                    command()
                    print("done")
                except ftplib.error_perm as e:
                    print(str(e)[:3])
            """);
        output.Split('\n').Should().Equal("250", "550", "550");
        File.Exists(Path.Combine(fixture.Shared, mine + ".renamed")).Should().BeFalse();
        File.Exists(Path.Combine(fixture.Shared, theirs)).Should().BeTrue();
    }

    [SystemUserFact]
    public async Task Many_sessions_of_different_users_at_once_each_keep_their_own_ids()
    {
        const int sessions = 8;
        const int operations = 20;
        var prefix = Unique("c");
        var runs = Enumerable.Range(0, sessions).Select(i =>
        {
            var account = i % 2 == 0 ? fixture.Alice : fixture.Bob;
            return Python(fixture.HomeServer, account, $$"""
                for j in range({{operations}}):
                    name = "{{prefix}}-{{i}}-%d.bin" % j
                    data = os.urandom(100 + j)
                    ftp.storbinary("STOR " + name, io.BytesIO(data))
                    out = io.BytesIO()
                    ftp.retrbinary("RETR " + name, out.write)
                    assert out.getvalue() == data, name
                    if j % 2 == 1:
                        ftp.delete(name)
                print(len([n for n in ftp.nlst() if n.startswith("{{prefix}}-{{i}}-")]))
                """);
        }).ToArray();
        (await Task.WhenAll(runs)).Should().AllBe((operations / 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var account in new[] { fixture.Alice, fixture.Bob })
        {
            var files = Directory.GetFiles(account.Home, prefix + "-*");
            files.Should().HaveCount(sessions / 2 * operations / 2);
            foreach (var file in files)
            {
                (await Owner(file)).Should().Be($"{account.UserId}:{account.GroupId} 644", file);
            }
        }
    }

    /// <summary>After every test: no thread of the process has a user's file-system ids or groups.</summary>
    public void Dispose()
    {
        if (SystemUserServer.SkipReason is null)
        {
            SystemUserServer.ThreadsWithOtherIds().Should().BeEmpty("every filesystem call gives its thread back the process's ids");
        }
    }
}
