select n.code, n.name, r.name as region_name
from networks n join regions r on r.code = n.lead_region_code
order by n.code;
