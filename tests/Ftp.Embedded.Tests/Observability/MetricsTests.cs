using System.Diagnostics.Metrics;
using Ftp.Embedded.Internal.Observability;
using Microsoft.Extensions.DependencyInjection;

namespace Ftp.Embedded.Tests.Observability;

public class MetricsTests
{
    [Fact]
    public void The_server_creates_its_instruments_through_the_hosts_meter_factory()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddFtpServer(o => o.Endpoints.Add(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0))).UseInMemoryFileSystem();
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IMeterFactory>();
        var instruments = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    lock (instruments)
                    {
                        instruments.Add(instrument);
                    }
                }
            },
        };
        listener.Start();

        provider.GetRequiredService<FtpServer>();

        instruments.Should().OnlyContain(i => i.Meter.Name == FtpTelemetry.MeterName);
        instruments.Select(i => $"{i.Name} {i.Unit} {i.GetType().Name.Split('`')[0]}").Should().BeEquivalentTo(
        [
            "ftp.server.active_sessions {session} UpDownCounter",
            "ftp.server.session.duration s Histogram",
            "ftp.server.transfer.bytes By Counter",
            "ftp.server.commands {command} Counter",
            "ftp.server.login.failures {failure} Counter",
            "ftp.server.transfers {transfer} Counter",
            "ftp.server.transfer.duration s Histogram",
            "ftp.server.tls.handshakes {handshake} Counter",
            "ftp.server.sessions.refused {session} Counter",
            "ftp.server.logins.refused {login} Counter",
            "ftp.server.passive_ports.in_use {port} ObservableUpDownCounter",
        ]);
    }

    [Theory]
    [InlineData(0, "none")]
    [InlineData(150, "1xx")]
    [InlineData(226, "2xx")]
    [InlineData(350, "3xx")]
    [InlineData(426, "4xx")]
    [InlineData(530, "5xx")]
    [InlineData(600, "none")]
    public void Reply_codes_map_to_their_class(int code, string replyClass)
        => FtpMetrics.ReplyClass(code).Should().Be(replyClass);

    [Theory]
    [InlineData(226, "completed")]
    [InlineData(426, "aborted")]
    [InlineData(425, "failed")]
    [InlineData(451, "failed")]
    [InlineData(552, "failed")]
    public void Final_replies_map_to_transfer_outcomes(int code, string outcome)
        => TransferOutcome.FromReply(code).Should().Be(outcome);

    [Fact]
    public void Nothing_is_recorded_while_nobody_listens()
    {
        using var metrics = new FtpMetrics(null);
        metrics.SessionStarted().Should().BeFalse("the active-sessions count is only kept while it is observed");
    }
}
