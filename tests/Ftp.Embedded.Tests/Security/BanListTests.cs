using System.Net;
using Ftp.Embedded.Internal.Commands;
using Ftp.Embedded.Internal.Security;
using Microsoft.Extensions.Time.Testing;

namespace Ftp.Embedded.Tests.Security;

public sealed class BanListTests
{
    private static readonly IPAddress A = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress B = IPAddress.Parse("192.0.2.2");

    [Fact]
    public void Bans_at_the_Nth_failure_within_the_window_and_not_before()
    {
        var time = new FakeTimeProvider();
        var bans = new BanList(new FtpBanOptions { Enabled = true, MaxFailures = 3, Duration = TimeSpan.FromMinutes(5) }, time);
        bans.RecordFailure(A, out var failures).Should().BeNull();
        failures.Should().Be(1);
        bans.RecordFailure(A, out failures).Should().BeNull();
        failures.Should().Be(2);
        bans.IsBanned(A).Should().BeFalse();
        bans.RecordFailure(A, out failures).Should().Be(time.GetUtcNow() + TimeSpan.FromMinutes(5));
        failures.Should().Be(3);
        bans.IsBanned(A).Should().BeTrue();
        bans.IsBanned(B).Should().BeFalse();

        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        bans.IsBanned(A).Should().BeTrue();
        time.Advance(TimeSpan.FromTicks(1));
        bans.IsBanned(A).Should().BeFalse();
    }

    [Fact]
    public void Failures_older_than_the_window_are_forgotten()
    {
        var time = new FakeTimeProvider();
        var bans = new BanList(new FtpBanOptions { Enabled = true, MaxFailures = 2, Window = TimeSpan.FromMinutes(1) }, time);
        bans.RecordFailure(A, out _);
        time.Advance(TimeSpan.FromMinutes(1));
        bans.RecordFailure(A, out var failures).Should().BeNull();
        failures.Should().Be(1);
        time.Advance(TimeSpan.FromSeconds(59));
        bans.RecordFailure(A, out _).Should().NotBeNull();
    }

    [Fact]
    public void Disabled_bans_count_nothing()
    {
        var bans = new BanList(new FtpBanOptions { MaxFailures = 1 }, new FakeTimeProvider());
        bans.RecordFailure(A, out _).Should().BeNull();
        bans.IsBanned(A).Should().BeFalse();
        bans.Count.Should().Be(0);
    }

    [Fact]
    public void Tracks_at_most_MaxTrackedAddresses_and_prunes_expired_entries()
    {
        var time = new FakeTimeProvider();
        var bans = new BanList(new FtpBanOptions { Enabled = true, MaxFailures = 2, MaxTrackedAddresses = 100, Window = TimeSpan.FromMinutes(1) }, time);
        for (var i = 0; i < 1000; i++)
        {
            bans.RecordFailure(new IPAddress(0x0A000000 + i), out _);
        }

        bans.Count.Should().Be(100);
        time.Advance(TimeSpan.FromMinutes(1));
        bans.Prune();
        bans.Count.Should().Be(0);
    }

    [Fact]
    public void A_ban_outlives_the_window_until_its_duration_ends()
    {
        var time = new FakeTimeProvider();
        var bans = new BanList(new FtpBanOptions { Enabled = true, MaxFailures = 1, Window = TimeSpan.FromMinutes(1), Duration = TimeSpan.FromMinutes(10) }, time);
        bans.RecordFailure(A, out _).Should().NotBeNull();
        time.Advance(TimeSpan.FromMinutes(5));
        bans.Prune();
        bans.IsBanned(A).Should().BeTrue();
        time.Advance(TimeSpan.FromMinutes(5));
        bans.Prune();
        bans.Count.Should().Be(0);
    }

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(2, 2000)]
    [InlineData(3, 4000)]
    [InlineData(5, 16000)]
    [InlineData(50, 16000)]
    public void The_failed_login_delay_doubles_up_to_sixteen_times(int failures, int milliseconds)
        => LoginCommands.FailedLoginDelay(TimeSpan.FromSeconds(1), failures).Should().Be(TimeSpan.FromMilliseconds(milliseconds));

    [Fact]
    public void Ban_options_reject_out_of_range_values_with_their_name()
    {
        var options = new FtpBanOptions();
        options.Invoking(o => o.MaxFailures = 0).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MaxFailures*");
        options.Invoking(o => o.Window = TimeSpan.Zero).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Window*");
        options.Invoking(o => o.Duration = TimeSpan.FromDays(400)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Duration*");
    }
}
