#pragma warning disable CA5350, CA5351 // MD5 and SHA-1 are checksums the protocol names; the test computes them to compare.
using FluentFTP;

namespace Ftp.Embedded.InteropTests;

public sealed partial class FluentFtpTests
{
    /// <summary>
    /// <see cref="FtpVerifyMethod.Size"/> makes FluentFTP compare sizes after each transfer (the checksum method is
    /// checked below), and the bytes are compared here on both sides.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65_539)]
    [InlineData((5 * 1024 * 1024) + 7)]
    public async Task Upload_and_download_with_verification_are_byte_exact(int size)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var ftp = await ConnectAsync(server.Port, cts.Token, c => c.VerifyMethod = FtpVerifyMethod.Size);
        var local = server.NewLocalDirectory();
        var content = Bytes(size, size);
        await File.WriteAllBytesAsync(Path.Combine(local, "up.bin"), content, cts.Token);
        var remote = $"/verify-{size}/file.bin";

        var up = await ftp.Client.UploadFile(Path.Combine(local, "up.bin"), remote, FtpRemoteExists.Overwrite, createRemoteDir: true,
            FtpVerify.Retry | FtpVerify.Throw, token: cts.Token);
        up.Should().Be(FtpStatus.Success);
        (await File.ReadAllBytesAsync(Path.Combine(server.Home, $"verify-{size}", "file.bin"), cts.Token)).Should().Equal(content);
        (await ftp.Client.GetFileSize(remote, token: cts.Token)).Should().Be(size);

        var down = await ftp.Client.DownloadFile(Path.Combine(local, "down.bin"), remote, FtpLocalExists.Overwrite,
            FtpVerify.Retry | FtpVerify.Throw, token: cts.Token);
        down.Should().Be(FtpStatus.Success);
        (await File.ReadAllBytesAsync(Path.Combine(local, "down.bin"), cts.Token)).Should().Equal(content);
        (await ftp.Client.DownloadBytes(remote, cts.Token)).Should().Equal(content);
        ftp.Log.Should().Contain("Status:   File Verification: PASS", Exactly.Twice(), "both transfers were checked by size");
    }

    /// <summary>
    /// FluentFTP's default verification asks the server for a checksum (FEAT lists HASH) after each transfer and compares it
    /// with its own: a wrong digest from the server would make <see cref="FtpVerify.Throw"/> throw.
    /// </summary>
    [Fact]
    public async Task Transfers_verified_by_checksum_pass_and_GetChecksum_gives_each_algorithm_s_digest()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var ftp = await ConnectAsync(server.Port, cts.Token, c => c.VerifyMethod = FtpVerifyMethod.Checksum);
        var local = server.NewLocalDirectory();
        var content = Bytes((2 * 1024 * 1024) + 3, 43);
        await File.WriteAllBytesAsync(Path.Combine(local, "up.bin"), content, cts.Token);

        (await ftp.Client.UploadFile(Path.Combine(local, "up.bin"), "/hash-verify.bin", FtpRemoteExists.Overwrite,
            verifyOptions: FtpVerify.Throw, token: cts.Token)).Should().Be(FtpStatus.Success);
        (await ftp.Client.DownloadFile(Path.Combine(local, "down.bin"), "/hash-verify.bin", FtpLocalExists.Overwrite,
            FtpVerify.Throw, token: cts.Token)).Should().Be(FtpStatus.Success);

        (await File.ReadAllBytesAsync(Path.Combine(local, "down.bin"), cts.Token)).Should().Equal(content);
        ftp.Log.Should().Contain("Status:   File Verification: PASS", Exactly.Twice()).And.Contain("Command:  HASH /hash-verify.bin");
        var expected = new Dictionary<FtpHashAlgorithm, string>
        {
            [FtpHashAlgorithm.SHA1] = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(content)),
            [FtpHashAlgorithm.SHA256] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)),
            [FtpHashAlgorithm.SHA512] = Convert.ToHexStringLower(System.Security.Cryptography.SHA512.HashData(content)),
            [FtpHashAlgorithm.MD5] = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(content)),
        };
        foreach (var (algorithm, digest) in expected)
        {
            var hash = await ftp.Client.GetChecksum("/hash-verify.bin", algorithm, cts.Token);
            hash.Algorithm.Should().Be(algorithm);
            hash.Value.ToLowerInvariant().Should().Be(digest, "the {0} of the file", algorithm);
        }
    }

    [Fact]
    public async Task Upload_resumes_onto_a_partial_remote_file()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var ftp = await ConnectAsync(server.Port, cts.Token);
        var local = server.NewLocalDirectory();
        var content = Bytes((3 * 1024 * 1024) + 11, 31);
        const int partial = (1024 * 1024) + 5;
        await File.WriteAllBytesAsync(Path.Combine(local, "full.bin"), content, cts.Token);
        await File.WriteAllBytesAsync(Path.Combine(server.Home, "resume-up.bin"), content.AsSpan(0, partial).ToArray(), cts.Token);

        var status = await ftp.Client.UploadFile(Path.Combine(local, "full.bin"), "/resume-up.bin", FtpRemoteExists.Resume, token: cts.Token);

        status.Should().Be(FtpStatus.Success);
        (await File.ReadAllBytesAsync(Path.Combine(server.Home, "resume-up.bin"), cts.Token)).Should().Equal(content);
        ftp.Log.Should().Contain($"Response: 213 {partial}").And.Contain("Command:  APPE /resume-up.bin")
            .And.NotContain("Command:  STOR", "only the missing bytes go up");
    }

    [Fact]
    public async Task Download_resumes_onto_a_partial_local_file()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var ftp = await ConnectAsync(server.Port, cts.Token);
        var local = server.NewLocalDirectory();
        var content = Bytes((3 * 1024 * 1024) + 13, 37);
        const int partial = (2 * 1024 * 1024) + 1;
        await File.WriteAllBytesAsync(Path.Combine(server.Home, "resume-down.bin"), content, cts.Token);
        await File.WriteAllBytesAsync(Path.Combine(local, "part.bin"), content.AsSpan(0, partial).ToArray(), cts.Token);

        var status = await ftp.Client.DownloadFile(Path.Combine(local, "part.bin"), "/resume-down.bin", FtpLocalExists.Resume, token: cts.Token);

        status.Should().Be(FtpStatus.Success);
        (await File.ReadAllBytesAsync(Path.Combine(local, "part.bin"), cts.Token)).Should().Equal(content);
        ftp.Log.Should().Contain($"Command:  REST {partial}").And.Contain($"Response: 350 Restarting at {partial}.");
    }

    /// <summary>
    /// Each mode on its own, with no fallback. FluentFTP's PASV ignores the address in the 227 reply when it is not
    /// routable (127.0.0.1 counts as such) and connects to the control connection's; PASVUSE connects to the advertised one.
    /// </summary>
    [Theory]
    [InlineData(FtpDataConnectionType.PASV, "Command:  PASV", "Response: 227 Entering Passive Mode (127,0,0,1,")]
    [InlineData(FtpDataConnectionType.PASVUSE, "Command:  PASV", "Response: 227 Entering Passive Mode (127,0,0,1,")]
    [InlineData(FtpDataConnectionType.EPSV, "Command:  EPSV", "Response: 229 Entering Extended Passive Mode (|||")]
    [InlineData(FtpDataConnectionType.PORT, "Command:  PORT 127,0,0,1,", "Response: 200 PORT command successful.")]
    [InlineData(FtpDataConnectionType.EPRT, "Command:  EPRT |1|127.0.0.1|", "Response: 200 EPRT command successful.")]
    public async Task Transfers_and_listings_work_in_each_data_connection_mode(FtpDataConnectionType mode, string command, string reply)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var ftp = await ConnectAsync(server.Port, cts.Token, c => c.DataConnectionType = mode);
        var content = Bytes((1024 * 1024) + 3, (int)mode);
        var folder = $"/mode-{mode}";

        (await ftp.Client.UploadBytes(content, $"{folder}/data.bin", FtpRemoteExists.Overwrite, createRemoteDir: true, token: cts.Token))
            .Should().Be(FtpStatus.Success);
        (await ftp.Client.DownloadBytes($"{folder}/data.bin", cts.Token)).Should().Equal(content);
        (await ftp.Client.GetListing(folder, cts.Token)).Select(i => (i.Name, i.Size)).Should().Equal(("data.bin", (long)content.Length));
        (await File.ReadAllBytesAsync(Path.Combine(server.Home, $"mode-{mode}", "data.bin"), cts.Token)).Should().Equal(content);

        ftp.Log.Should().Contain(command).And.Contain(reply);
        string[] others = ["Command:  PASV", "Command:  EPSV", "Command:  PORT", "Command:  EPRT"];
        foreach (var other in others.Where(o => !command.StartsWith(o, StringComparison.Ordinal)))
        {
            ftp.Log.Should().NotContain(other, "the client uses only the mode it was given");
        }
    }

    /// <summary>FTPS with protected data (PBSZ 0, PROT P) over both kinds of endpoint, passive and active.</summary>
    [Theory]
    [InlineData(FtpEncryptionMode.Explicit, FtpDataConnectionType.EPSV)]
    [InlineData(FtpEncryptionMode.Explicit, FtpDataConnectionType.PORT)]
    [InlineData(FtpEncryptionMode.Implicit, FtpDataConnectionType.PASV)]
    [InlineData(FtpEncryptionMode.Implicit, FtpDataConnectionType.EPRT)]
    public async Task FTPS_with_protected_data_round_trips(FtpEncryptionMode encryption, FtpDataConnectionType mode)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var port = encryption == FtpEncryptionMode.Implicit ? tls.ImplicitPort : tls.Port;
        await using var ftp = await ConnectAsync(port, cts.Token, c =>
        {
            c.EncryptionMode = encryption;
            c.ValidateAnyCertificate = true;
            c.DataConnectionEncryption = true;
            c.DataConnectionType = mode;
        });
        var content = Bytes((2 * 1024 * 1024) + 9, (int)encryption + (int)mode);
        var folder = $"/tls-{encryption}-{mode}";

        ftp.Client.IsEncrypted.Should().BeTrue();
        (await ftp.Client.UploadBytes(content, $"{folder}/data.bin", FtpRemoteExists.Overwrite, createRemoteDir: true, token: cts.Token))
            .Should().Be(FtpStatus.Success);
        (await File.ReadAllBytesAsync(Path.Combine(tls.Home, $"tls-{encryption}-{mode}", "data.bin"), cts.Token)).Should().Equal(content);
        (await ftp.Client.DownloadBytes($"{folder}/data.bin", cts.Token)).Should().Equal(content);
        (await ftp.Client.GetListing(folder, cts.Token)).Select(i => (i.Name, i.Size)).Should().Equal(("data.bin", (long)content.Length));

        ftp.Log.Should().Contain("Response: 200 PBSZ=0").And.Contain("Response: 200 Protection level set to Private.");
        ftp.Log.Should().Contain("Status:   FTPS authentication successful", Exactly.Times(4), "the control connection and all three data connections are TLS");
        if (encryption == FtpEncryptionMode.Explicit)
        {
            ftp.Log.Should().Contain("Command:  AUTH TLS").And.Contain("Response: 234");
        }
        else
        {
            ftp.Log.Should().NotContain("Command:  AUTH TLS");
        }
    }
}
