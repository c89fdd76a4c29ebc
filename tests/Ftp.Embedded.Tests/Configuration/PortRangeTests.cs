using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Ftp.Embedded.Tests.Configuration;

/// <summary>The passive port range has one type that code and configuration both write naturally.</summary>
public sealed class PortRangeTests
{
    [Fact]
    public void Code_sets_the_range_from_a_tuple_or_from_text()
    {
        var options = new FtpServerOptions();
        options.Passive.PortRange = (50000, 50100);
        options.Passive.PortRange.Should().Be(new FtpPortRange(50000, 50100));
        options.Passive.PortRange.Value.From.Should().Be(50000);
        options.Passive.PortRange.Value.To.Should().Be(50100);
        options.Passive.PortRange = FtpPortRange.Parse("50000-50100");
        options.Passive.PortRange.Should().Be(new FtpPortRange(50000, 50100));
        options.Passive.PortRange.ToString().Should().Be("50000-50100");
    }

    [Theory]
    [InlineData("50000-50100", 50000, 50100)]
    [InlineData(" 1 - 65535 ", 1, 65535)]
    [InlineData("2121-2121", 2121, 2121)]
    public void Parse_reads_FROM_TO(string text, int from, int to)
    {
        FtpPortRange.Parse(text).Should().Be(new FtpPortRange(from, to));
        FtpPortRange.TryParse(text, out var range).Should().BeTrue();
        range.Should().Be(new FtpPortRange(from, to));
    }

    [Theory]
    [InlineData("50100-50000")]
    [InlineData("50000")]
    [InlineData("0-10")]
    [InlineData("1-65536")]
    [InlineData("-1-5")]
    [InlineData("a-b")]
    [InlineData("")]
    public void Bad_text_is_refused_with_the_accepted_form(string text)
    {
        FtpPortRange.TryParse(text, out _).Should().BeFalse();
        var parse = () => FtpPortRange.Parse(text);
        parse.Should().Throw<FormatException>().WithMessage($"'{text}' is not a port range: use FROM-TO with 1 <= FROM <= TO <= 65535, such as 50000-50100.");
    }

    [Fact]
    public void Out_of_range_ports_are_refused_in_code()
    {
        var reversed = () => new FtpPortRange(50100, 50000);
        reversed.Should().Throw<ArgumentOutOfRangeException>();
        var tooHigh = () => { FtpPortRange range = (1, 70000); return range; };
        tooHigh.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Configuration_binders_read_the_text_form()
    {
        TypeDescriptor.GetConverter(typeof(FtpPortRange)).ConvertFromInvariantString("50000-50100").Should().Be(new FtpPortRange(50000, 50100));
        TypeDescriptor.GetConverter(typeof(FtpPortRange)).ConvertToString(null, CultureInfo.InvariantCulture, new FtpPortRange(1, 2)).Should().Be("1-2");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["App:Ports"] = "50000-50100" }).Build();
        configuration.GetSection("App").Get<AppSettings>()!.Ports.Should().Be(new FtpPortRange(50000, 50100));
    }

    private sealed class AppSettings
    {
        public FtpPortRange? Ports { get; set; }
    }
}
