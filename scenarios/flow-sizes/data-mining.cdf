# Data-mining flow sizes: the flows of the data-mining cluster measured in the VL2 paper
# (A. Greenberg et al., "VL2: A Scalable and Flexible Data Center Network", ACM SIGCOMM 2009,
# Fig. 2, flow-size distribution).
#
# Table: the digitization of that figure in 1460-byte packets used by pFabric (M. Alizadeh et
# al., "pFabric: Minimal Near-Optimal Datacenter Transport", SIGCOMM 2013) and by the ns-2
# scripts of PIAS (W. Bai et al., NSDI 2015; CDF_vl2.tcl), written here in bytes
# (packets x 1460).
#
# The first point is a point mass: half of all flows are a single packet. The tail is heavy:
# 1 % of flows (97 MB to 973 MB) carry about 72 % of the bytes.
# Mean 7470236 bytes (5116.6 packets): FlowSizeCdf::GetMean(), the exact mean of this
# piecewise-linear CDF (pFabric and PIAS scripts set the mean to 5117 packets).
# Standard deviation 59.8 MB. Sizes from 1460 bytes to 973.3 MB.
#
# SIZE      CUMULATIVE
1460        0.50        # 1 packet
2920        0.60        # 2
4380        0.70        # 3
10220       0.80        # 7
389820      0.90        # 267
3076220     0.95        # 2107
97333820    0.99        # 66667
973333820   1           # 666667
