# Web-search flow sizes: the background flows of the production web-search cluster measured in
# the DCTCP paper (M. Alizadeh et al., "Data Center TCP (DCTCP)", ACM SIGCOMM 2010, Fig. 4).
#
# Table: the digitization of that figure in 1460-byte packets used by pFabric (M. Alizadeh et
# al., "pFabric: Minimal Near-Optimal Datacenter Transport", SIGCOMM 2013) and by the ns-2
# scripts of PIAS (W. Bai et al., NSDI 2015; CDF_dctcp.tcl), written here in bytes
# (packets x 1460). HPCC (Y. Li et al., SIGCOMM 2019; traffic_gen/WebSearch_distribution.txt)
# uses the same table with sizes rounded to 10KB, 20KB, ... 30MB and rising linearly from 0
# bytes instead of the point mass below; its mean is 1711250 bytes.
#
# The first point is a point mass: 15 % of flows are exactly 6 packets.
# Mean 1665830.8 bytes (1141.0 packets): FlowSizeCdf::GetMean(), the exact mean of this
# piecewise-linear CDF (pFabric and PIAS scripts set the mean to 1138 packets).
# Standard deviation 3.86 MB. Sizes from 8760 bytes to 29.2 MB.
#
# SIZE      CUMULATIVE
8760        0.15        # 6 packets
18980       0.20        # 13
27740       0.30        # 19
48180       0.40        # 33
77380       0.53        # 53
194180      0.60        # 133
973820      0.70        # 667
1946180     0.80        # 1333
4866180     0.90        # 3333
9733820     0.97        # 6667
29200000    1           # 20000
