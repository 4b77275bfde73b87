namespace KvmMetrics.Libvirt.Tests;

public sealed class LibvirtErrorCodesTests
{
    [Theory]
    [InlineData(0, "VIR_ERR_OK")]
    [InlineData(1, "VIR_ERR_INTERNAL_ERROR")]
    [InlineData(38, "VIR_ERR_SYSTEM_ERROR")]
    [InlineData(42, "VIR_ERR_NO_DOMAIN")]
    [InlineData(55, "VIR_ERR_OPERATION_INVALID")]
    [InlineData(68, "VIR_ERR_OPERATION_TIMEOUT")]
    [InlineData(86, "VIR_ERR_AGENT_UNRESPONSIVE")]
    [InlineData(110, "VIR_ERR_MULTIPLE_DOMAINS")]
    [InlineData(111, "VIR_ERR_CODE_111")]
    [InlineData(-5, "VIR_ERR_CODE_-5")]
    public void Name_MapsVirErrorNumberToItsSymbol(int code, string name) => Assert.Equal(name, LibvirtErrorCodes.Name(code));

    [Fact]
    public void Exception_CarriesCodeDomainAndName()
    {
        var e = new LibvirtException(42, 10, "virDomainLookupByUUIDString: no domain");

        Assert.Equal("VIR_ERR_NO_DOMAIN", e.CodeName);
        Assert.Equal(10, e.ErrorDomain);
        Assert.False(e.IsConnectionError);
        Assert.True(new LibvirtException(38, 7, "x").IsConnectionError);
    }
}
